import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface Status {
    network: string;
    genesisHash: Uint8Array<ArrayBuffer>;
    bestHeight: number;
    bestHash: Uint8Array<ArrayBuffer>;
    bestWork: Uint8Array<ArrayBuffer>;
    protocols: ProtocolVersions[];
    capabilities: number;
    compactBlockVersions: number[];
    userAgent: string;
    timeMs: number;
}
export declare namespace Status {
    const codec: () => Codec<Status>;
    interface StatusNetworkFieldEvent {
        field: '$.network';
        value: string;
    }
    interface StatusGenesisHashFieldEvent {
        field: '$.genesisHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface StatusBestHeightFieldEvent {
        field: '$.bestHeight';
        value: number;
    }
    interface StatusBestHashFieldEvent {
        field: '$.bestHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface StatusBestWorkFieldEvent {
        field: '$.bestWork';
        value: Uint8Array<ArrayBuffer>;
    }
    interface StatusProtocolsNameFieldEvent {
        field: '$.protocols[].name';
        value: string;
        index: number;
    }
    interface StatusProtocolsMajorsFieldEvent {
        field: '$.protocols[].majors[]';
        index: number;
        value: number;
    }
    interface StatusCapabilitiesFieldEvent {
        field: '$.capabilities';
        value: number;
    }
    interface StatusCompactBlockVersionsFieldEvent {
        field: '$.compactBlockVersions[]';
        index: number;
        value: number;
    }
    interface StatusUserAgentFieldEvent {
        field: '$.userAgent';
        value: string;
    }
    interface StatusTimeMsFieldEvent {
        field: '$.timeMs';
        value: number;
    }
    function encode(obj: Partial<Status>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Status>): Status;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Status>): Generator<StatusNetworkFieldEvent | StatusGenesisHashFieldEvent | StatusBestHeightFieldEvent | StatusBestHashFieldEvent | StatusBestWorkFieldEvent | StatusProtocolsNameFieldEvent | StatusProtocolsMajorsFieldEvent | StatusCapabilitiesFieldEvent | StatusCompactBlockVersionsFieldEvent | StatusUserAgentFieldEvent | StatusTimeMsFieldEvent>;
}
export interface ProtocolVersions {
    name: string;
    majors: number[];
}
export declare namespace ProtocolVersions {
    const codec: () => Codec<ProtocolVersions>;
    interface ProtocolVersionsNameFieldEvent {
        field: '$.name';
        value: string;
    }
    interface ProtocolVersionsMajorsFieldEvent {
        field: '$.majors[]';
        index: number;
        value: number;
    }
    function encode(obj: Partial<ProtocolVersions>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProtocolVersions>): ProtocolVersions;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProtocolVersions>): Generator<ProtocolVersionsNameFieldEvent | ProtocolVersionsMajorsFieldEvent>;
}
export interface Goodbye {
    reason: number;
    message: string;
}
export declare namespace Goodbye {
    const codec: () => Codec<Goodbye>;
    interface GoodbyeReasonFieldEvent {
        field: '$.reason';
        value: number;
    }
    interface GoodbyeMessageFieldEvent {
        field: '$.message';
        value: string;
    }
    function encode(obj: Partial<Goodbye>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Goodbye>): Goodbye;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Goodbye>): Generator<GoodbyeReasonFieldEvent | GoodbyeMessageFieldEvent>;
}
