import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface GetHeaders {
    locator: Uint8Array<ArrayBuffer>[];
    stopHash?: Uint8Array<ArrayBuffer>;
    maxHeaders: number;
}
export declare namespace GetHeaders {
    const codec: () => Codec<GetHeaders>;
    interface GetHeadersLocatorFieldEvent {
        field: '$.locator[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    interface GetHeadersStopHashFieldEvent {
        field: '$.stopHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface GetHeadersMaxHeadersFieldEvent {
        field: '$.maxHeaders';
        value: number;
    }
    function encode(obj: Partial<GetHeaders>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetHeaders>): GetHeaders;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetHeaders>): Generator<GetHeadersLocatorFieldEvent | GetHeadersStopHashFieldEvent | GetHeadersMaxHeadersFieldEvent>;
}
export interface Headers {
    headers: Uint8Array<ArrayBuffer>[];
}
export declare namespace Headers {
    const codec: () => Codec<Headers>;
    interface HeadersHeadersFieldEvent {
        field: '$.headers[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Headers>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Headers>): Headers;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Headers>): Generator<HeadersHeadersFieldEvent>;
}
export interface GetBlocksByRange {
    startHeight: number;
    count: number;
}
export declare namespace GetBlocksByRange {
    const codec: () => Codec<GetBlocksByRange>;
    interface GetBlocksByRangeStartHeightFieldEvent {
        field: '$.startHeight';
        value: number;
    }
    interface GetBlocksByRangeCountFieldEvent {
        field: '$.count';
        value: number;
    }
    function encode(obj: Partial<GetBlocksByRange>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBlocksByRange>): GetBlocksByRange;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBlocksByRange>): Generator<GetBlocksByRangeStartHeightFieldEvent | GetBlocksByRangeCountFieldEvent>;
}
export interface GetBlocksByHash {
    hashes: Uint8Array<ArrayBuffer>[];
}
export declare namespace GetBlocksByHash {
    const codec: () => Codec<GetBlocksByHash>;
    interface GetBlocksByHashHashesFieldEvent {
        field: '$.hashes[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<GetBlocksByHash>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBlocksByHash>): GetBlocksByHash;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBlocksByHash>): Generator<GetBlocksByHashHashesFieldEvent>;
}
export interface Block {
    block: Uint8Array<ArrayBuffer>;
}
export declare namespace Block {
    const codec: () => Codec<Block>;
    interface BlockBlockFieldEvent {
        field: '$.block';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Block>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Block>): Block;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Block>): Generator<BlockBlockFieldEvent>;
}
export interface BlockAnnounce {
    headers: Uint8Array<ArrayBuffer>[];
    acceptedAtMs: number;
    hops: number;
}
export declare namespace BlockAnnounce {
    const codec: () => Codec<BlockAnnounce>;
    interface BlockAnnounceHeadersFieldEvent {
        field: '$.headers[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    interface BlockAnnounceAcceptedAtMsFieldEvent {
        field: '$.acceptedAtMs';
        value: number;
    }
    interface BlockAnnounceHopsFieldEvent {
        field: '$.hops';
        value: number;
    }
    function encode(obj: Partial<BlockAnnounce>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockAnnounce>): BlockAnnounce;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockAnnounce>): Generator<BlockAnnounceHeadersFieldEvent | BlockAnnounceAcceptedAtMsFieldEvent | BlockAnnounceHopsFieldEvent>;
}
