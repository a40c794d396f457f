import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var InvItem;
(function (InvItem) {
    let _codec;
    InvItem.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.type != null && obj.type !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.type);
                }
                if ((obj.hash != null && obj.hash.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.hash);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    type: 0,
                    hash: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.type = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.hash = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.type`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.hash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, InvItem.codec());
    }
    InvItem.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, InvItem.codec(), opts);
    }
    InvItem.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, InvItem.codec(), opts);
    }
    InvItem.stream = stream;
})(InvItem || (InvItem = {}));
export var Inv;
(function (Inv) {
    let _codec;
    Inv.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.items != null && obj.items.length > 0) {
                    for (const value of obj.items) {
                        w.uint32(10);
                        InvItem.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    items: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.items != null && obj.items.length === opts.limits.items) {
                                throw new MaxLengthError('Decode error - repeated field "items" had too many elements');
                            }
                            obj.items.push(InvItem.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.items$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    items: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.items != null && obj.items === opts.limits.items) {
                                throw new MaxLengthError('Streaming decode error - repeated field "items" had too many elements');
                            }
                            for (const evt of InvItem.codec().stream(reader, reader.uint32(), `${prefix}.items[]`, {
                                limits: opts.limits?.items$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.items
                                };
                            }
                            obj.items++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Inv.codec());
    }
    Inv.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Inv.codec(), opts);
    }
    Inv.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Inv.codec(), opts);
    }
    Inv.stream = stream;
})(Inv || (Inv = {}));
export var GetData;
(function (GetData) {
    let _codec;
    GetData.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.items != null && obj.items.length > 0) {
                    for (const value of obj.items) {
                        w.uint32(10);
                        InvItem.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    items: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.items != null && obj.items.length === opts.limits.items) {
                                throw new MaxLengthError('Decode error - repeated field "items" had too many elements');
                            }
                            obj.items.push(InvItem.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.items$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    items: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.items != null && obj.items === opts.limits.items) {
                                throw new MaxLengthError('Streaming decode error - repeated field "items" had too many elements');
                            }
                            for (const evt of InvItem.codec().stream(reader, reader.uint32(), `${prefix}.items[]`, {
                                limits: opts.limits?.items$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.items
                                };
                            }
                            obj.items++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, GetData.codec());
    }
    GetData.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, GetData.codec(), opts);
    }
    GetData.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, GetData.codec(), opts);
    }
    GetData.stream = stream;
})(GetData || (GetData = {}));
export var NotFound;
(function (NotFound) {
    let _codec;
    NotFound.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.items != null && obj.items.length > 0) {
                    for (const value of obj.items) {
                        w.uint32(10);
                        InvItem.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    items: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.items != null && obj.items.length === opts.limits.items) {
                                throw new MaxLengthError('Decode error - repeated field "items" had too many elements');
                            }
                            obj.items.push(InvItem.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.items$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    items: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.items != null && obj.items === opts.limits.items) {
                                throw new MaxLengthError('Streaming decode error - repeated field "items" had too many elements');
                            }
                            for (const evt of InvItem.codec().stream(reader, reader.uint32(), `${prefix}.items[]`, {
                                limits: opts.limits?.items$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.items
                                };
                            }
                            obj.items++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, NotFound.codec());
    }
    NotFound.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, NotFound.codec(), opts);
    }
    NotFound.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, NotFound.codec(), opts);
    }
    NotFound.stream = stream;
})(NotFound || (NotFound = {}));
export var GetDataResponse;
(function (GetDataResponse) {
    let _codec;
    GetDataResponse.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                obj = { ...obj };
                if (obj.notfound != null) {
                    obj.tx = undefined;
                }
                if (obj.tx != null) {
                    obj.notfound = undefined;
                }
                if (obj.tx != null) {
                    w.uint32(10);
                    w.bytes(obj.tx);
                }
                if (obj.notfound != null) {
                    w.uint32(18);
                    NotFound.codec().encode(obj.notfound, w);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {};
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.tx = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.notfound = NotFound.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.notfound
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                if (obj.notfound != null) {
                    delete obj.tx;
                }
                if (obj.tx != null) {
                    delete obj.notfound;
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.tx`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield* NotFound.codec().stream(reader, reader.uint32(), `${prefix}.notfound`, {
                                limits: opts.limits?.notfound
                            });
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, GetDataResponse.codec());
    }
    GetDataResponse.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, GetDataResponse.codec(), opts);
    }
    GetDataResponse.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, GetDataResponse.codec(), opts);
    }
    GetDataResponse.stream = stream;
})(GetDataResponse || (GetDataResponse = {}));
export var Tx;
(function (Tx) {
    let _codec;
    Tx.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.tx != null && obj.tx.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.tx);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    tx: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.tx = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.tx`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Tx.codec());
    }
    Tx.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Tx.codec(), opts);
    }
    Tx.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Tx.codec(), opts);
    }
    Tx.stream = stream;
})(Tx || (Tx = {}));
export var FeeFilter;
(function (FeeFilter) {
    let _codec;
    FeeFilter.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.feeRate != null && obj.feeRate !== 0n)) {
                    w.uint32(8);
                    w.uint64(obj.feeRate);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    feeRate: 0n
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.feeRate = reader.uint64();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.feeRate`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, FeeFilter.codec());
    }
    FeeFilter.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, FeeFilter.codec(), opts);
    }
    FeeFilter.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, FeeFilter.codec(), opts);
    }
    FeeFilter.stream = stream;
})(FeeFilter || (FeeFilter = {}));
export var SendCmpct;
(function (SendCmpct) {
    let _codec;
    SendCmpct.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.announce != null && obj.announce !== false)) {
                    w.uint32(8);
                    w.bool(obj.announce);
                }
                if ((obj.version != null && obj.version !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.version);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    announce: false,
                    version: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.announce = reader.bool();
                            break;
                        }
                        case 2: {
                            obj.version = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.announce`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.version`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, SendCmpct.codec());
    }
    SendCmpct.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, SendCmpct.codec(), opts);
    }
    SendCmpct.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, SendCmpct.codec(), opts);
    }
    SendCmpct.stream = stream;
})(SendCmpct || (SendCmpct = {}));
export var PrefilledTx;
(function (PrefilledTx) {
    let _codec;
    PrefilledTx.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.index != null && obj.index !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.index);
                }
                if ((obj.tx != null && obj.tx.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.tx);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    index: 0,
                    tx: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.index = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.tx = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.index`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.tx`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, PrefilledTx.codec());
    }
    PrefilledTx.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, PrefilledTx.codec(), opts);
    }
    PrefilledTx.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, PrefilledTx.codec(), opts);
    }
    PrefilledTx.stream = stream;
})(PrefilledTx || (PrefilledTx = {}));
export var CmpctBlock;
(function (CmpctBlock) {
    let _codec;
    CmpctBlock.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.header != null && obj.header.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.header);
                }
                if ((obj.nonce != null && obj.nonce !== 0n)) {
                    w.uint32(16);
                    w.uint64(obj.nonce);
                }
                if ((obj.shortIds != null && obj.shortIds.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.shortIds);
                }
                if (obj.prefilled != null && obj.prefilled.length > 0) {
                    for (const value of obj.prefilled) {
                        w.uint32(34);
                        PrefilledTx.codec().encode(value, w);
                    }
                }
                if ((obj.acceptedAtMs != null && obj.acceptedAtMs !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.acceptedAtMs);
                }
                if ((obj.hops != null && obj.hops !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.hops);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    header: uint8ArrayAlloc(0),
                    nonce: 0n,
                    shortIds: uint8ArrayAlloc(0),
                    prefilled: [],
                    acceptedAtMs: 0,
                    hops: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.header = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.nonce = reader.uint64();
                            break;
                        }
                        case 3: {
                            obj.shortIds = reader.bytes();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.prefilled != null && obj.prefilled.length === opts.limits.prefilled) {
                                throw new MaxLengthError('Decode error - repeated field "prefilled" had too many elements');
                            }
                            obj.prefilled.push(PrefilledTx.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.prefilled$
                            }));
                            break;
                        }
                        case 5: {
                            obj.acceptedAtMs = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            obj.hops = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    prefilled: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.header`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.nonce`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.shortIds`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.prefilled != null && obj.prefilled === opts.limits.prefilled) {
                                throw new MaxLengthError('Streaming decode error - repeated field "prefilled" had too many elements');
                            }
                            for (const evt of PrefilledTx.codec().stream(reader, reader.uint32(), `${prefix}.prefilled[]`, {
                                limits: opts.limits?.prefilled$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.prefilled
                                };
                            }
                            obj.prefilled++;
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.acceptedAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.hops`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, CmpctBlock.codec());
    }
    CmpctBlock.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, CmpctBlock.codec(), opts);
    }
    CmpctBlock.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, CmpctBlock.codec(), opts);
    }
    CmpctBlock.stream = stream;
})(CmpctBlock || (CmpctBlock = {}));
export var GetBlockTxn;
(function (GetBlockTxn) {
    let _codec;
    GetBlockTxn.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.blockHash != null && obj.blockHash.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.blockHash);
                }
                if (obj.indexes != null && obj.indexes.length > 0) {
                    for (const value of obj.indexes) {
                        w.uint32(16);
                        w.uint32(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    blockHash: uint8ArrayAlloc(0),
                    indexes: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.blockHash = reader.bytes();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.indexes != null && obj.indexes.length === opts.limits.indexes) {
                                throw new MaxLengthError('Decode error - repeated field "indexes" had too many elements');
                            }
                            obj.indexes.push(reader.uint32());
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    indexes: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.blockHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.indexes != null && obj.indexes === opts.limits.indexes) {
                                throw new MaxLengthError('Streaming decode error - repeated field "indexes" had too many elements');
                            }
                            yield {
                                field: `${prefix}.indexes[]`,
                                index: obj.indexes,
                                value: reader.uint32()
                            };
                            obj.indexes++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, GetBlockTxn.codec());
    }
    GetBlockTxn.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, GetBlockTxn.codec(), opts);
    }
    GetBlockTxn.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, GetBlockTxn.codec(), opts);
    }
    GetBlockTxn.stream = stream;
})(GetBlockTxn || (GetBlockTxn = {}));
export var BlockTxn;
(function (BlockTxn) {
    let _codec;
    BlockTxn.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.blockHash != null && obj.blockHash.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.blockHash);
                }
                if (obj.txs != null && obj.txs.length > 0) {
                    for (const value of obj.txs) {
                        w.uint32(18);
                        w.bytes(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    blockHash: uint8ArrayAlloc(0),
                    txs: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.blockHash = reader.bytes();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.txs != null && obj.txs.length === opts.limits.txs) {
                                throw new MaxLengthError('Decode error - repeated field "txs" had too many elements');
                            }
                            obj.txs.push(reader.bytes());
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    txs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.blockHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.txs != null && obj.txs === opts.limits.txs) {
                                throw new MaxLengthError('Streaming decode error - repeated field "txs" had too many elements');
                            }
                            yield {
                                field: `${prefix}.txs[]`,
                                index: obj.txs,
                                value: reader.bytes()
                            };
                            obj.txs++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, BlockTxn.codec());
    }
    BlockTxn.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, BlockTxn.codec(), opts);
    }
    BlockTxn.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, BlockTxn.codec(), opts);
    }
    BlockTxn.stream = stream;
})(BlockTxn || (BlockTxn = {}));
