import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var MasternodeEntry;
(function (MasternodeEntry) {
    let _codec;
    MasternodeEntry.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.id != null && obj.id.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.id);
                }
                if ((obj.address != null && obj.address !== '')) {
                    w.uint32(18);
                    w.string(obj.address);
                }
                if ((obj.operatorKey != null && obj.operatorKey.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.operatorKey);
                }
                if ((obj.status != null && obj.status !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.status);
                }
                if ((obj.registeredHeight != null && obj.registeredHeight !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.registeredHeight);
                }
                if ((obj.poseScore != null && obj.poseScore !== 0)) {
                    w.uint32(48);
                    w.uint32(obj.poseScore);
                }
                if ((obj.lastSeenMs != null && obj.lastSeenMs !== 0)) {
                    w.uint32(56);
                    w.uint64Number(obj.lastSeenMs);
                }
                if ((obj.signature != null && obj.signature.byteLength > 0)) {
                    w.uint32(66);
                    w.bytes(obj.signature);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    id: uint8ArrayAlloc(0),
                    address: '',
                    operatorKey: uint8ArrayAlloc(0),
                    status: 0,
                    registeredHeight: 0,
                    poseScore: 0,
                    lastSeenMs: 0,
                    signature: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.id = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.address = reader.string();
                            break;
                        }
                        case 3: {
                            obj.operatorKey = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.status = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.registeredHeight = reader.uint64Number();
                            break;
                        }
                        case 6: {
                            obj.poseScore = reader.uint32();
                            break;
                        }
                        case 7: {
                            obj.lastSeenMs = reader.uint64Number();
                            break;
                        }
                        case 8: {
                            obj.signature = reader.bytes();
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
                                field: `${prefix}.id`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.address`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.operatorKey`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.status`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.registeredHeight`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.poseScore`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.lastSeenMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.signature`,
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
        return encodeMessage(obj, MasternodeEntry.codec());
    }
    MasternodeEntry.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, MasternodeEntry.codec(), opts);
    }
    MasternodeEntry.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, MasternodeEntry.codec(), opts);
    }
    MasternodeEntry.stream = stream;
})(MasternodeEntry || (MasternodeEntry = {}));
export var MasternodeListRequest;
(function (MasternodeListRequest) {
    let _codec;
    MasternodeListRequest.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.height != null && obj.height !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.height);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    height: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.height = reader.uint64Number();
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
                                field: `${prefix}.height`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, MasternodeListRequest.codec());
    }
    MasternodeListRequest.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, MasternodeListRequest.codec(), opts);
    }
    MasternodeListRequest.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, MasternodeListRequest.codec(), opts);
    }
    MasternodeListRequest.stream = stream;
})(MasternodeListRequest || (MasternodeListRequest = {}));
export var MasternodeListResponse;
(function (MasternodeListResponse) {
    let _codec;
    MasternodeListResponse.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.height != null && obj.height !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.height);
                }
                if ((obj.blockHash != null && obj.blockHash.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.blockHash);
                }
                if (obj.entries != null && obj.entries.length > 0) {
                    for (const value of obj.entries) {
                        w.uint32(26);
                        MasternodeEntry.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    height: 0,
                    blockHash: uint8ArrayAlloc(0),
                    entries: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.height = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.blockHash = reader.bytes();
                            break;
                        }
                        case 3: {
                            if (opts.limits?.entries != null && obj.entries.length === opts.limits.entries) {
                                throw new MaxLengthError('Decode error - repeated field "entries" had too many elements');
                            }
                            obj.entries.push(MasternodeEntry.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.entries$
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
                    entries: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.height`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.blockHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            if (opts.limits?.entries != null && obj.entries === opts.limits.entries) {
                                throw new MaxLengthError('Streaming decode error - repeated field "entries" had too many elements');
                            }
                            for (const evt of MasternodeEntry.codec().stream(reader, reader.uint32(), `${prefix}.entries[]`, {
                                limits: opts.limits?.entries$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.entries
                                };
                            }
                            obj.entries++;
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
        return encodeMessage(obj, MasternodeListResponse.codec());
    }
    MasternodeListResponse.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, MasternodeListResponse.codec(), opts);
    }
    MasternodeListResponse.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, MasternodeListResponse.codec(), opts);
    }
    MasternodeListResponse.stream = stream;
})(MasternodeListResponse || (MasternodeListResponse = {}));
export var MasternodeUpdate;
(function (MasternodeUpdate) {
    let _codec;
    MasternodeUpdate.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.entry != null) {
                    w.uint32(10);
                    MasternodeEntry.codec().encode(obj.entry, w);
                }
                if ((obj.height != null && obj.height !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.height);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    height: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.entry = MasternodeEntry.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.entry
                            });
                            break;
                        }
                        case 2: {
                            obj.height = reader.uint64Number();
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
                            yield* MasternodeEntry.codec().stream(reader, reader.uint32(), `${prefix}.entry`, {
                                limits: opts.limits?.entry
                            });
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.height`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, MasternodeUpdate.codec());
    }
    MasternodeUpdate.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, MasternodeUpdate.codec(), opts);
    }
    MasternodeUpdate.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, MasternodeUpdate.codec(), opts);
    }
    MasternodeUpdate.stream = stream;
})(MasternodeUpdate || (MasternodeUpdate = {}));
export var MasternodeListSync;
(function (MasternodeListSync) {
    let _codec;
    MasternodeListSync.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.fromHeight != null && obj.fromHeight !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.fromHeight);
                }
                if ((obj.fromBlockHash != null && obj.fromBlockHash.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.fromBlockHash);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    fromHeight: 0,
                    fromBlockHash: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.fromHeight = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.fromBlockHash = reader.bytes();
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
                                field: `${prefix}.fromHeight`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.fromBlockHash`,
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
        return encodeMessage(obj, MasternodeListSync.codec());
    }
    MasternodeListSync.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, MasternodeListSync.codec(), opts);
    }
    MasternodeListSync.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, MasternodeListSync.codec(), opts);
    }
    MasternodeListSync.stream = stream;
})(MasternodeListSync || (MasternodeListSync = {}));
export var MasternodeListDiff;
(function (MasternodeListDiff) {
    let _codec;
    MasternodeListDiff.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.fromHeight != null && obj.fromHeight !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.fromHeight);
                }
                if ((obj.toHeight != null && obj.toHeight !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.toHeight);
                }
                if ((obj.toBlockHash != null && obj.toBlockHash.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.toBlockHash);
                }
                if (obj.upserts != null && obj.upserts.length > 0) {
                    for (const value of obj.upserts) {
                        w.uint32(34);
                        MasternodeEntry.codec().encode(value, w);
                    }
                }
                if (obj.removed != null && obj.removed.length > 0) {
                    for (const value of obj.removed) {
                        w.uint32(42);
                        w.bytes(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    fromHeight: 0,
                    toHeight: 0,
                    toBlockHash: uint8ArrayAlloc(0),
                    upserts: [],
                    removed: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.fromHeight = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.toHeight = reader.uint64Number();
                            break;
                        }
                        case 3: {
                            obj.toBlockHash = reader.bytes();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.upserts != null && obj.upserts.length === opts.limits.upserts) {
                                throw new MaxLengthError('Decode error - repeated field "upserts" had too many elements');
                            }
                            obj.upserts.push(MasternodeEntry.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.upserts$
                            }));
                            break;
                        }
                        case 5: {
                            if (opts.limits?.removed != null && obj.removed.length === opts.limits.removed) {
                                throw new MaxLengthError('Decode error - repeated field "removed" had too many elements');
                            }
                            obj.removed.push(reader.bytes());
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
                    upserts: 0,
                    removed: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.fromHeight`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.toHeight`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.toBlockHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.upserts != null && obj.upserts === opts.limits.upserts) {
                                throw new MaxLengthError('Streaming decode error - repeated field "upserts" had too many elements');
                            }
                            for (const evt of MasternodeEntry.codec().stream(reader, reader.uint32(), `${prefix}.upserts[]`, {
                                limits: opts.limits?.upserts$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.upserts
                                };
                            }
                            obj.upserts++;
                            break;
                        }
                        case 5: {
                            if (opts.limits?.removed != null && obj.removed === opts.limits.removed) {
                                throw new MaxLengthError('Streaming decode error - repeated field "removed" had too many elements');
                            }
                            yield {
                                field: `${prefix}.removed[]`,
                                index: obj.removed,
                                value: reader.bytes()
                            };
                            obj.removed++;
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
        return encodeMessage(obj, MasternodeListDiff.codec());
    }
    MasternodeListDiff.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, MasternodeListDiff.codec(), opts);
    }
    MasternodeListDiff.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, MasternodeListDiff.codec(), opts);
    }
    MasternodeListDiff.stream = stream;
})(MasternodeListDiff || (MasternodeListDiff = {}));
export var PoseChallenge;
(function (PoseChallenge) {
    let _codec;
    PoseChallenge.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.nonce);
                }
                if ((obj.masternodeId != null && obj.masternodeId.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.masternodeId);
                }
                if ((obj.height != null && obj.height !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.height);
                }
                if ((obj.blockHash != null && obj.blockHash.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.blockHash);
                }
                if ((obj.issuedAtMs != null && obj.issuedAtMs !== 0)) {
                    w.uint32(40);
                    w.uint64Number(obj.issuedAtMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    nonce: uint8ArrayAlloc(0),
                    masternodeId: uint8ArrayAlloc(0),
                    height: 0,
                    blockHash: uint8ArrayAlloc(0),
                    issuedAtMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.nonce = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.masternodeId = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.height = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            obj.blockHash = reader.bytes();
                            break;
                        }
                        case 5: {
                            obj.issuedAtMs = reader.uint64Number();
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
                                field: `${prefix}.nonce`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.masternodeId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.height`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.blockHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.issuedAtMs`,
                                value: reader.uint64Number()
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
        return encodeMessage(obj, PoseChallenge.codec());
    }
    PoseChallenge.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, PoseChallenge.codec(), opts);
    }
    PoseChallenge.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, PoseChallenge.codec(), opts);
    }
    PoseChallenge.stream = stream;
})(PoseChallenge || (PoseChallenge = {}));
export var PoseResponse;
(function (PoseResponse) {
    let _codec;
    PoseResponse.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.nonce);
                }
                if ((obj.masternodeId != null && obj.masternodeId.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.masternodeId);
                }
                if ((obj.blockHash != null && obj.blockHash.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.blockHash);
                }
                if ((obj.signature != null && obj.signature.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.signature);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    nonce: uint8ArrayAlloc(0),
                    masternodeId: uint8ArrayAlloc(0),
                    blockHash: uint8ArrayAlloc(0),
                    signature: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.nonce = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.masternodeId = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.blockHash = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.signature = reader.bytes();
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
                                field: `${prefix}.nonce`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.masternodeId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.blockHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.signature`,
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
        return encodeMessage(obj, PoseResponse.codec());
    }
    PoseResponse.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, PoseResponse.codec(), opts);
    }
    PoseResponse.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, PoseResponse.codec(), opts);
    }
    PoseResponse.stream = stream;
})(PoseResponse || (PoseResponse = {}));
