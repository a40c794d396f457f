import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface MasternodeEntry {
    id: Uint8Array<ArrayBuffer>;
    address: string;
    operatorKey: Uint8Array<ArrayBuffer>;
    status: number;
    registeredHeight: number;
    poseScore: number;
    lastSeenMs: number;
    signature: Uint8Array<ArrayBuffer>;
}
export declare namespace MasternodeEntry {
    const codec: () => Codec<MasternodeEntry>;
    interface MasternodeEntryIdFieldEvent {
        field: '$.id';
        value: Uint8Array<ArrayBuffer>;
    }
    interface MasternodeEntryAddressFieldEvent {
        field: '$.address';
        value: string;
    }
    interface MasternodeEntryOperatorKeyFieldEvent {
        field: '$.operatorKey';
        value: Uint8Array<ArrayBuffer>;
    }
    interface MasternodeEntryStatusFieldEvent {
        field: '$.status';
        value: number;
    }
    interface MasternodeEntryRegisteredHeightFieldEvent {
        field: '$.registeredHeight';
        value: number;
    }
    interface MasternodeEntryPoseScoreFieldEvent {
        field: '$.poseScore';
        value: number;
    }
    interface MasternodeEntryLastSeenMsFieldEvent {
        field: '$.lastSeenMs';
        value: number;
    }
    interface MasternodeEntrySignatureFieldEvent {
        field: '$.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<MasternodeEntry>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeEntry>): MasternodeEntry;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeEntry>): Generator<MasternodeEntryIdFieldEvent | MasternodeEntryAddressFieldEvent | MasternodeEntryOperatorKeyFieldEvent | MasternodeEntryStatusFieldEvent | MasternodeEntryRegisteredHeightFieldEvent | MasternodeEntryPoseScoreFieldEvent | MasternodeEntryLastSeenMsFieldEvent | MasternodeEntrySignatureFieldEvent>;
}
export interface MasternodeListRequest {
    height: number;
}
export declare namespace MasternodeListRequest {
    const codec: () => Codec<MasternodeListRequest>;
    interface MasternodeListRequestHeightFieldEvent {
        field: '$.height';
        value: number;
    }
    function encode(obj: Partial<MasternodeListRequest>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListRequest>): MasternodeListRequest;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListRequest>): Generator<MasternodeListRequestHeightFieldEvent>;
}
export interface MasternodeListResponse {
    height: number;
    blockHash: Uint8Array<ArrayBuffer>;
    entries: MasternodeEntry[];
}
export declare namespace MasternodeListResponse {
    const codec: () => Codec<MasternodeListResponse>;
    interface MasternodeListResponseHeightFieldEvent {
        field: '$.height';
        value: number;
    }
    interface MasternodeListResponseBlockHashFieldEvent {
        field: '$.blockHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface MasternodeListResponseEntriesIdFieldEvent {
        field: '$.entries[].id';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface MasternodeListResponseEntriesAddressFieldEvent {
        field: '$.entries[].address';
        value: string;
        index: number;
    }
    interface MasternodeListResponseEntriesOperatorKeyFieldEvent {
        field: '$.entries[].operatorKey';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface MasternodeListResponseEntriesStatusFieldEvent {
        field: '$.entries[].status';
        value: number;
        index: number;
    }
    interface MasternodeListResponseEntriesRegisteredHeightFieldEvent {
        field: '$.entries[].registeredHeight';
        value: number;
        index: number;
    }
    interface MasternodeListResponseEntriesPoseScoreFieldEvent {
        field: '$.entries[].poseScore';
        value: number;
        index: number;
    }
    interface MasternodeListResponseEntriesLastSeenMsFieldEvent {
        field: '$.entries[].lastSeenMs';
        value: number;
        index: number;
    }
    interface MasternodeListResponseEntriesSignatureFieldEvent {
        field: '$.entries[].signature';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<MasternodeListResponse>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListResponse>): MasternodeListResponse;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListResponse>): Generator<MasternodeListResponseHeightFieldEvent | MasternodeListResponseBlockHashFieldEvent | MasternodeListResponseEntriesIdFieldEvent | MasternodeListResponseEntriesAddressFieldEvent | MasternodeListResponseEntriesOperatorKeyFieldEvent | MasternodeListResponseEntriesStatusFieldEvent | MasternodeListResponseEntriesRegisteredHeightFieldEvent | MasternodeListResponseEntriesPoseScoreFieldEvent | MasternodeListResponseEntriesLastSeenMsFieldEvent | MasternodeListResponseEntriesSignatureFieldEvent>;
}
export interface MasternodeUpdate {
    entry?: MasternodeEntry;
    height: number;
}
export declare namespace MasternodeUpdate {
    const codec: () => Codec<MasternodeUpdate>;
    interface MasternodeUpdateEntryIdFieldEvent {
        field: '$.entry.id';
        value: Uint8Array<ArrayBuffer>;
    }
    interface MasternodeUpdateEntryAddressFieldEvent {
        field: '$.entry.address';
        value: string;
    }
    interface MasternodeUpdateEntryOperatorKeyFieldEvent {
        field: '$.entry.operatorKey';
        value: Uint8Array<ArrayBuffer>;
    }
    interface MasternodeUpdateEntryStatusFieldEvent {
        field: '$.entry.status';
        value: number;
    }
    interface MasternodeUpdateEntryRegisteredHeightFieldEvent {
        field: '$.entry.registeredHeight';
        value: number;
    }
    interface MasternodeUpdateEntryPoseScoreFieldEvent {
        field: '$.entry.poseScore';
        value: number;
    }
    interface MasternodeUpdateEntryLastSeenMsFieldEvent {
        field: '$.entry.lastSeenMs';
        value: number;
    }
    interface MasternodeUpdateEntrySignatureFieldEvent {
        field: '$.entry.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    interface MasternodeUpdateHeightFieldEvent {
        field: '$.height';
        value: number;
    }
    function encode(obj: Partial<MasternodeUpdate>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeUpdate>): MasternodeUpdate;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeUpdate>): Generator<MasternodeUpdateEntryIdFieldEvent | MasternodeUpdateEntryAddressFieldEvent | MasternodeUpdateEntryOperatorKeyFieldEvent | MasternodeUpdateEntryStatusFieldEvent | MasternodeUpdateEntryRegisteredHeightFieldEvent | MasternodeUpdateEntryPoseScoreFieldEvent | MasternodeUpdateEntryLastSeenMsFieldEvent | MasternodeUpdateEntrySignatureFieldEvent | MasternodeUpdateHeightFieldEvent>;
}
export interface MasternodeListSync {
    fromHeight: number;
    fromBlockHash: Uint8Array<ArrayBuffer>;
}
export declare namespace MasternodeListSync {
    const codec: () => Codec<MasternodeListSync>;
    interface MasternodeListSyncFromHeightFieldEvent {
        field: '$.fromHeight';
        value: number;
    }
    interface MasternodeListSyncFromBlockHashFieldEvent {
        field: '$.fromBlockHash';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<MasternodeListSync>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListSync>): MasternodeListSync;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListSync>): Generator<MasternodeListSyncFromHeightFieldEvent | MasternodeListSyncFromBlockHashFieldEvent>;
}
export interface MasternodeListDiff {
    fromHeight: number;
    toHeight: number;
    toBlockHash: Uint8Array<ArrayBuffer>;
    upserts: MasternodeEntry[];
    removed: Uint8Array<ArrayBuffer>[];
}
export declare namespace MasternodeListDiff {
    const codec: () => Codec<MasternodeListDiff>;
    interface MasternodeListDiffFromHeightFieldEvent {
        field: '$.fromHeight';
        value: number;
    }
    interface MasternodeListDiffToHeightFieldEvent {
        field: '$.toHeight';
        value: number;
    }
    interface MasternodeListDiffToBlockHashFieldEvent {
        field: '$.toBlockHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface MasternodeListDiffUpsertsIdFieldEvent {
        field: '$.upserts[].id';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface MasternodeListDiffUpsertsAddressFieldEvent {
        field: '$.upserts[].address';
        value: string;
        index: number;
    }
    interface MasternodeListDiffUpsertsOperatorKeyFieldEvent {
        field: '$.upserts[].operatorKey';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface MasternodeListDiffUpsertsStatusFieldEvent {
        field: '$.upserts[].status';
        value: number;
        index: number;
    }
    interface MasternodeListDiffUpsertsRegisteredHeightFieldEvent {
        field: '$.upserts[].registeredHeight';
        value: number;
        index: number;
    }
    interface MasternodeListDiffUpsertsPoseScoreFieldEvent {
        field: '$.upserts[].poseScore';
        value: number;
        index: number;
    }
    interface MasternodeListDiffUpsertsLastSeenMsFieldEvent {
        field: '$.upserts[].lastSeenMs';
        value: number;
        index: number;
    }
    interface MasternodeListDiffUpsertsSignatureFieldEvent {
        field: '$.upserts[].signature';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface MasternodeListDiffRemovedFieldEvent {
        field: '$.removed[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<MasternodeListDiff>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListDiff>): MasternodeListDiff;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MasternodeListDiff>): Generator<MasternodeListDiffFromHeightFieldEvent | MasternodeListDiffToHeightFieldEvent | MasternodeListDiffToBlockHashFieldEvent | MasternodeListDiffUpsertsIdFieldEvent | MasternodeListDiffUpsertsAddressFieldEvent | MasternodeListDiffUpsertsOperatorKeyFieldEvent | MasternodeListDiffUpsertsStatusFieldEvent | MasternodeListDiffUpsertsRegisteredHeightFieldEvent | MasternodeListDiffUpsertsPoseScoreFieldEvent | MasternodeListDiffUpsertsLastSeenMsFieldEvent | MasternodeListDiffUpsertsSignatureFieldEvent | MasternodeListDiffRemovedFieldEvent>;
}
export interface PoseChallenge {
    nonce: Uint8Array<ArrayBuffer>;
    masternodeId: Uint8Array<ArrayBuffer>;
    height: number;
    blockHash: Uint8Array<ArrayBuffer>;
    issuedAtMs: number;
}
export declare namespace PoseChallenge {
    const codec: () => Codec<PoseChallenge>;
    interface PoseChallengeNonceFieldEvent {
        field: '$.nonce';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PoseChallengeMasternodeIdFieldEvent {
        field: '$.masternodeId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PoseChallengeHeightFieldEvent {
        field: '$.height';
        value: number;
    }
    interface PoseChallengeBlockHashFieldEvent {
        field: '$.blockHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PoseChallengeIssuedAtMsFieldEvent {
        field: '$.issuedAtMs';
        value: number;
    }
    function encode(obj: Partial<PoseChallenge>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PoseChallenge>): PoseChallenge;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PoseChallenge>): Generator<PoseChallengeNonceFieldEvent | PoseChallengeMasternodeIdFieldEvent | PoseChallengeHeightFieldEvent | PoseChallengeBlockHashFieldEvent | PoseChallengeIssuedAtMsFieldEvent>;
}
export interface PoseResponse {
    nonce: Uint8Array<ArrayBuffer>;
    masternodeId: Uint8Array<ArrayBuffer>;
    blockHash: Uint8Array<ArrayBuffer>;
    signature: Uint8Array<ArrayBuffer>;
}
export declare namespace PoseResponse {
    const codec: () => Codec<PoseResponse>;
    interface PoseResponseNonceFieldEvent {
        field: '$.nonce';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PoseResponseMasternodeIdFieldEvent {
        field: '$.masternodeId';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PoseResponseBlockHashFieldEvent {
        field: '$.blockHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface PoseResponseSignatureFieldEvent {
        field: '$.signature';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<PoseResponse>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PoseResponse>): PoseResponse;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PoseResponse>): Generator<PoseResponseNonceFieldEvent | PoseResponseMasternodeIdFieldEvent | PoseResponseBlockHashFieldEvent | PoseResponseSignatureFieldEvent>;
}
