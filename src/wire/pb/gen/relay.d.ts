import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface InvItem {
    type: number;
    hash: Uint8Array<ArrayBuffer>;
}
export declare namespace InvItem {
    const codec: () => Codec<InvItem>;
    interface InvItemTypeFieldEvent {
        field: '$.type';
        value: number;
    }
    interface InvItemHashFieldEvent {
        field: '$.hash';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<InvItem>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvItem>): InvItem;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<InvItem>): Generator<InvItemTypeFieldEvent | InvItemHashFieldEvent>;
}
export interface Inv {
    items: InvItem[];
}
export declare namespace Inv {
    const codec: () => Codec<Inv>;
    interface InvItemsTypeFieldEvent {
        field: '$.items[].type';
        value: number;
        index: number;
    }
    interface InvItemsHashFieldEvent {
        field: '$.items[].hash';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<Inv>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Inv>): Inv;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Inv>): Generator<InvItemsTypeFieldEvent | InvItemsHashFieldEvent>;
}
export interface GetData {
    items: InvItem[];
}
export declare namespace GetData {
    const codec: () => Codec<GetData>;
    interface GetDataItemsTypeFieldEvent {
        field: '$.items[].type';
        value: number;
        index: number;
    }
    interface GetDataItemsHashFieldEvent {
        field: '$.items[].hash';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<GetData>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetData>): GetData;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetData>): Generator<GetDataItemsTypeFieldEvent | GetDataItemsHashFieldEvent>;
}
export interface NotFound {
    items: InvItem[];
}
export declare namespace NotFound {
    const codec: () => Codec<NotFound>;
    interface NotFoundItemsTypeFieldEvent {
        field: '$.items[].type';
        value: number;
        index: number;
    }
    interface NotFoundItemsHashFieldEvent {
        field: '$.items[].hash';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<NotFound>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NotFound>): NotFound;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NotFound>): Generator<NotFoundItemsTypeFieldEvent | NotFoundItemsHashFieldEvent>;
}
export interface GetDataResponse {
    tx?: Uint8Array<ArrayBuffer>;
    notfound?: NotFound;
}
export declare namespace GetDataResponse {
    const codec: () => Codec<GetDataResponse>;
    interface GetDataResponseTxFieldEvent {
        field: '$.tx';
        value: Uint8Array<ArrayBuffer>;
    }
    interface GetDataResponseNotfoundItemsTypeFieldEvent {
        field: '$.notfound.items[].type';
        value: number;
        index: number;
    }
    interface GetDataResponseNotfoundItemsHashFieldEvent {
        field: '$.notfound.items[].hash';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    function encode(obj: Partial<GetDataResponse>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetDataResponse>): GetDataResponse;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetDataResponse>): Generator<GetDataResponseTxFieldEvent | GetDataResponseNotfoundItemsTypeFieldEvent | GetDataResponseNotfoundItemsHashFieldEvent>;
}
export interface Tx {
    tx: Uint8Array<ArrayBuffer>;
}
export declare namespace Tx {
    const codec: () => Codec<Tx>;
    interface TxTxFieldEvent {
        field: '$.tx';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<Tx>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tx>): Tx;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Tx>): Generator<TxTxFieldEvent>;
}
export interface FeeFilter {
    feeRate: bigint;
}
export declare namespace FeeFilter {
    const codec: () => Codec<FeeFilter>;
    interface FeeFilterFeeRateFieldEvent {
        field: '$.feeRate';
        value: bigint;
    }
    function encode(obj: Partial<FeeFilter>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FeeFilter>): FeeFilter;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FeeFilter>): Generator<FeeFilterFeeRateFieldEvent>;
}
export interface SendCmpct {
    announce: boolean;
    version: number;
}
export declare namespace SendCmpct {
    const codec: () => Codec<SendCmpct>;
    interface SendCmpctAnnounceFieldEvent {
        field: '$.announce';
        value: boolean;
    }
    interface SendCmpctVersionFieldEvent {
        field: '$.version';
        value: number;
    }
    function encode(obj: Partial<SendCmpct>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SendCmpct>): SendCmpct;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SendCmpct>): Generator<SendCmpctAnnounceFieldEvent | SendCmpctVersionFieldEvent>;
}
export interface PrefilledTx {
    index: number;
    tx: Uint8Array<ArrayBuffer>;
}
export declare namespace PrefilledTx {
    const codec: () => Codec<PrefilledTx>;
    interface PrefilledTxIndexFieldEvent {
        field: '$.index';
        value: number;
    }
    interface PrefilledTxTxFieldEvent {
        field: '$.tx';
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<PrefilledTx>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrefilledTx>): PrefilledTx;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PrefilledTx>): Generator<PrefilledTxIndexFieldEvent | PrefilledTxTxFieldEvent>;
}
export interface CmpctBlock {
    header: Uint8Array<ArrayBuffer>;
    nonce: bigint;
    shortIds: Uint8Array<ArrayBuffer>;
    prefilled: PrefilledTx[];
    acceptedAtMs: number;
    hops: number;
}
export declare namespace CmpctBlock {
    const codec: () => Codec<CmpctBlock>;
    interface CmpctBlockHeaderFieldEvent {
        field: '$.header';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CmpctBlockNonceFieldEvent {
        field: '$.nonce';
        value: bigint;
    }
    interface CmpctBlockShortIdsFieldEvent {
        field: '$.shortIds';
        value: Uint8Array<ArrayBuffer>;
    }
    interface CmpctBlockPrefilledIndexFieldEvent {
        field: '$.prefilled[].index';
        value: number;
        index: number;
    }
    interface CmpctBlockPrefilledTxFieldEvent {
        field: '$.prefilled[].tx';
        value: Uint8Array<ArrayBuffer>;
        index: number;
    }
    interface CmpctBlockAcceptedAtMsFieldEvent {
        field: '$.acceptedAtMs';
        value: number;
    }
    interface CmpctBlockHopsFieldEvent {
        field: '$.hops';
        value: number;
    }
    function encode(obj: Partial<CmpctBlock>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CmpctBlock>): CmpctBlock;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CmpctBlock>): Generator<CmpctBlockHeaderFieldEvent | CmpctBlockNonceFieldEvent | CmpctBlockShortIdsFieldEvent | CmpctBlockPrefilledIndexFieldEvent | CmpctBlockPrefilledTxFieldEvent | CmpctBlockAcceptedAtMsFieldEvent | CmpctBlockHopsFieldEvent>;
}
export interface GetBlockTxn {
    blockHash: Uint8Array<ArrayBuffer>;
    indexes: number[];
}
export declare namespace GetBlockTxn {
    const codec: () => Codec<GetBlockTxn>;
    interface GetBlockTxnBlockHashFieldEvent {
        field: '$.blockHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface GetBlockTxnIndexesFieldEvent {
        field: '$.indexes[]';
        index: number;
        value: number;
    }
    function encode(obj: Partial<GetBlockTxn>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBlockTxn>): GetBlockTxn;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GetBlockTxn>): Generator<GetBlockTxnBlockHashFieldEvent | GetBlockTxnIndexesFieldEvent>;
}
export interface BlockTxn {
    blockHash: Uint8Array<ArrayBuffer>;
    txs: Uint8Array<ArrayBuffer>[];
}
export declare namespace BlockTxn {
    const codec: () => Codec<BlockTxn>;
    interface BlockTxnBlockHashFieldEvent {
        field: '$.blockHash';
        value: Uint8Array<ArrayBuffer>;
    }
    interface BlockTxnTxsFieldEvent {
        field: '$.txs[]';
        index: number;
        value: Uint8Array<ArrayBuffer>;
    }
    function encode(obj: Partial<BlockTxn>): Uint8Array<ArrayBuffer>;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockTxn>): BlockTxn;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlockTxn>): Generator<BlockTxnBlockHashFieldEvent | BlockTxnTxsFieldEvent>;
}
