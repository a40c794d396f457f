import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var Status;
(function (Status) {
    let _codec;
    Status.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.network != null && obj.network !== '')) {
                    w.uint32(10);
                    w.string(obj.network);
                }
                if ((obj.genesisHash != null && obj.genesisHash.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.genesisHash);
                }
                if ((obj.bestHeight != null && obj.bestHeight !== 0)) {
                    w.uint32(24);
                    w.uint64Number(obj.bestHeight);
                }
                if ((obj.bestHash != null && obj.bestHash.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.bestHash);
                }
                if ((obj.bestWork != null && obj.bestWork.byteLength > 0)) {
                    w.uint32(42);
                    w.bytes(obj.bestWork);
                }
                if (obj.protocols != null && obj.protocols.length > 0) {
                    for (const value of obj.protocols) {
                        w.uint32(50);
                        ProtocolVersions.codec().encode(value, w);
                    }
                }
                if ((obj.capabilities != null && obj.capabilities !== 0)) {
                    w.uint32(56);
                    w.uint32(obj.capabilities);
                }
                if (obj.compactBlockVersions != null && obj.compactBlockVersions.length > 0) {
                    for (const value of obj.compactBlockVersions) {
                        w.uint32(64);
                        w.uint32(value);
                    }
                }
                if ((obj.userAgent != null && obj.userAgent !== '')) {
                    w.uint32(74);
                    w.string(obj.userAgent);
                }
                if ((obj.timeMs != null && obj.timeMs !== 0)) {
                    w.uint32(80);
                    w.uint64Number(obj.timeMs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    network: '',
                    genesisHash: uint8ArrayAlloc(0),
                    bestHeight: 0,
                    bestHash: uint8ArrayAlloc(0),
                    bestWork: uint8ArrayAlloc(0),
                    protocols: [],
                    capabilities: 0,
                    compactBlockVersions: [],
                    userAgent: '',
                    timeMs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.network = reader.string();
                            break;
                        }
                        case 2: {
                            obj.genesisHash = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.bestHeight = reader.uint64Number();
                            break;
                        }
                        case 4: {
                            obj.bestHash = reader.bytes();
                            break;
                        }
                        case 5: {
                            obj.bestWork = reader.bytes();
                            break;
                        }
                        case 6: {
                            if (opts.limits?.protocols != null && obj.protocols.length === opts.limits.protocols) {
                                throw new MaxLengthError('Decode error - repeated field "protocols" had too many elements');
                            }
                            obj.protocols.push(ProtocolVersions.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.protocols$
                            }));
                            break;
                        }
                        case 7: {
                            obj.capabilities = reader.uint32();
                            break;
                        }
                        case 8: {
                            if (opts.limits?.compactBlockVersions != null && obj.compactBlockVersions.length === opts.limits.compactBlockVersions) {
                                throw new MaxLengthError('Decode error - repeated field "compactBlockVersions" had too many elements');
                            }
                            obj.compactBlockVersions.push(reader.uint32());
                            break;
                        }
                        case 9: {
                            obj.userAgent = reader.string();
                            break;
                        }
                        case 10: {
                            obj.timeMs = reader.uint64Number();
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
                    protocols: 0,
                    compactBlockVersions: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.network`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.genesisHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.bestHeight`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.bestHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.bestWork`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 6: {
                            if (opts.limits?.protocols != null && obj.protocols === opts.limits.protocols) {
                                throw new MaxLengthError('Streaming decode error - repeated field "protocols" had too many elements');
                            }
                            for (const evt of ProtocolVersions.codec().stream(reader, reader.uint32(), `${prefix}.protocols[]`, {
                                limits: opts.limits?.protocols$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.protocols
                                };
                            }
                            obj.protocols++;
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.capabilities`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 8: {
                            if (opts.limits?.compactBlockVersions != null && obj.compactBlockVersions === opts.limits.compactBlockVersions) {
                                throw new MaxLengthError('Streaming decode error - repeated field "compactBlockVersions" had too many elements');
                            }
                            yield {
                                field: `${prefix}.compactBlockVersions[]`,
                                index: obj.compactBlockVersions,
                                value: reader.uint32()
                            };
                            obj.compactBlockVersions++;
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.userAgent`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.timeMs`,
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
        return encodeMessage(obj, Status.codec());
    }
    Status.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Status.codec(), opts);
    }
    Status.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Status.codec(), opts);
    }
    Status.stream = stream;
})(Status || (Status = {}));
export var ProtocolVersions;
(function (ProtocolVersions) {
    let _codec;
    ProtocolVersions.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.name != null && obj.name !== '')) {
                    w.uint32(10);
                    w.string(obj.name);
                }
                if (obj.majors != null && obj.majors.length > 0) {
                    for (const value of obj.majors) {
                        w.uint32(16);
                        w.uint32(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    name: '',
                    majors: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.name = reader.string();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.majors != null && obj.majors.length === opts.limits.majors) {
                                throw new MaxLengthError('Decode error - repeated field "majors" had too many elements');
                            }
                            obj.majors.push(reader.uint32());
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
                    majors: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.name`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.majors != null && obj.majors === opts.limits.majors) {
                                throw new MaxLengthError('Streaming decode error - repeated field "majors" had too many elements');
                            }
                            yield {
                                field: `${prefix}.majors[]`,
                                index: obj.majors,
                                value: reader.uint32()
                            };
                            obj.majors++;
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
        return encodeMessage(obj, ProtocolVersions.codec());
    }
    ProtocolVersions.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ProtocolVersions.codec(), opts);
    }
    ProtocolVersions.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ProtocolVersions.codec(), opts);
    }
    ProtocolVersions.stream = stream;
})(ProtocolVersions || (ProtocolVersions = {}));
export var Goodbye;
(function (Goodbye) {
    let _codec;
    Goodbye.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.reason != null && obj.reason !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.reason);
                }
                if ((obj.message != null && obj.message !== '')) {
                    w.uint32(18);
                    w.string(obj.message);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    reason: 0,
                    message: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.reason = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.message = reader.string();
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
                                field: `${prefix}.reason`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.message`,
                                value: reader.string()
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
        return encodeMessage(obj, Goodbye.codec());
    }
    Goodbye.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Goodbye.codec(), opts);
    }
    Goodbye.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Goodbye.codec(), opts);
    }
    Goodbye.stream = stream;
})(Goodbye || (Goodbye = {}));
