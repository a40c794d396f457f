/**
 * The wire format: message types, the pluggable {@link Codec} seam with its
 * protobuf default, framing, chunked transfer and the typed errors they raise.
 *
 * Nothing outside `src/wire/` imports protobuf: other modules use the plain
 * types of `messages.ts` and a {@link WireFormat}.
 *
 * @module
 */
export * from './constants.ts'
export * from './errors.ts'
export * from './messages.ts'
export type { Codec, MethodCodec, MethodCodecs, WireFormat } from './codec.ts'
export {
  FrameCode, isErrorCode, frameCodeName, varintLength, writeVarint, encodeVarint, readVarint,
  encodeFrameHeader, encodeFrame, createFrameParser, decodeFrames
} from './framing.ts'
export type { ErrorCode, Frame, FrameLimits, FrameParser } from './framing.ts'
export { splitChunks, createChunkAssembler } from './chunking.ts'
export type { ChunkAssembler, ChunkAssemblerInit } from './chunking.ts'
export { protobufWireFormat, protobufMethodCodecs, protobufCodecs, noResponseCodec, MAX_CHUNK_FRAME_BYTES } from './protobuf.ts'
export { protocolId, topicId, parseProtocolId, assertNetworkId, PROTOCOL_PREFIX } from './protocol-id.ts'
