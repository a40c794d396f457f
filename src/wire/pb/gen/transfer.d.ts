import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Chunk {
    transferId: number;
    index: number;
    count: number;
    totalSize: number;
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace Chunk {
    const codec: () => Codec<Chunk>;
    interface ChunkTransferIdFieldEvent {
        field: '$.transferId';
        value: number;
    }
    interface ChunkIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface ChunkCountFieldEvent {
        field: '$.count';
        value: number;
    }
    interface ChunkTotalSizeFieldEvent {
        field: '$.totalSize';
        value: number;
    }
    interface ChunkDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Chunk>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Chunk;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Chunk>): Generator<ChunkTransferIdFieldEvent | ChunkIndexFieldEvent | ChunkCountFieldEvent | ChunkTotalSizeFieldEvent | ChunkDataFieldEvent>;
}
export interface DirectMessage {
    protocol: string;
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace DirectMessage {
    const codec: () => Codec<DirectMessage>;
    interface DirectMessageProtocolFieldEvent {
        field: '$.protocol';
        value: string;
    }
    interface DirectMessageDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<DirectMessage>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessage>): DirectMessage;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectMessage>): Generator<DirectMessageProtocolFieldEvent | DirectMessageDataFieldEvent>;
}
export interface DirectReply {
    data: Uint8Array<ArrayBuffer>;
}
export declare namespace DirectReply {
    const codec: () => Codec<DirectReply>;
    interface DirectReplyDataFieldEvent {
        field: '$.data';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<DirectReply>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectReply>): DirectReply;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DirectReply>): Generator<DirectReplyDataFieldEvent>;
}
