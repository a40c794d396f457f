import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var GetHeaders;
(function (GetHeaders) {
    let _codec;
    GetHeaders.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.locator != null && obj.locator.length > 0) {
                    for (const value of obj.locator) {
                        w.uint32(10);
                        w.bytes(value);
                    }
                }
                if (obj.stopHash != null) {
                    w.uint32(18);
                    w.bytes(obj.stopHash);
                }
                if ((obj.maxHeaders != null && obj.maxHeaders !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.maxHeaders);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    locator: [],
                    maxHeaders: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.locator != null && obj.locator.length === opts.limits.locator) {
                                throw new MaxLengthError('Decode error - repeated field "locator" had too many elements');
                            }
                            obj.locator.push(reader.bytes());
                            break;
                        }
                        case 2: {
                            obj.stopHash = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.maxHeaders = reader.uint32();
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
                    locator: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.locator != null && obj.locator === opts.limits.locator) {
                                throw new MaxLengthError('Streaming decode error - repeated field "locator" had too many elements');
                            }
                            yield {
                                field: `${prefix}.locator[]`,
                                index: obj.locator,
                                value: reader.bytes()
                            };
                            obj.locator++;
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.stopHash`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.maxHeaders`,
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
        return encodeMessage(obj, GetHeaders.codec());
    }
    GetHeaders.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, GetHeaders.codec(), opts);
    }
    GetHeaders.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, GetHeaders.codec(), opts);
    }
    GetHeaders.stream = stream;
})(GetHeaders || (GetHeaders = {}));
export var Headers;
(function (Headers) {
    let _codec;
    Headers.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.headers != null && obj.headers.length > 0) {
                    for (const value of obj.headers) {
                        w.uint32(10);
                        w.bytes(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    headers: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.headers != null && obj.headers.length === opts.limits.headers) {
                                throw new MaxLengthError('Decode error - repeated field "headers" had too many elements');
                            }
                            obj.headers.push(reader.bytes());
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
                    headers: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.headers != null && obj.headers === opts.limits.headers) {
                                throw new MaxLengthError('Streaming decode error - repeated field "headers" had too many elements');
                            }
                            yield {
                                field: `${prefix}.headers[]`,
                                index: obj.headers,
                                value: reader.bytes()
                            };
                            obj.headers++;
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
        return encodeMessage(obj, Headers.codec());
    }
    Headers.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Headers.codec(), opts);
    }
    Headers.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Headers.codec(), opts);
    }
    Headers.stream = stream;
})(Headers || (Headers = {}));
export var GetBlocksByRange;
(function (GetBlocksByRange) {
    let _codec;
    GetBlocksByRange.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.startHeight != null && obj.startHeight !== 0)) {
                    w.uint32(8);
                    w.uint64Number(obj.startHeight);
                }
                if ((obj.count != null && obj.count !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.count);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    startHeight: 0,
                    count: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.startHeight = reader.uint64Number();
                            break;
                        }
                        case 2: {
                            obj.count = reader.uint32();
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
                                field: `${prefix}.startHeight`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.count`,
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
        return encodeMessage(obj, GetBlocksByRange.codec());
    }
    GetBlocksByRange.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, GetBlocksByRange.codec(), opts);
    }
    GetBlocksByRange.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, GetBlocksByRange.codec(), opts);
    }
    GetBlocksByRange.stream = stream;
})(GetBlocksByRange || (GetBlocksByRange = {}));
export var GetBlocksByHash;
(function (GetBlocksByHash) {
    let _codec;
    GetBlocksByHash.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.hashes != null && obj.hashes.length > 0) {
                    for (const value of obj.hashes) {
                        w.uint32(10);
                        w.bytes(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    hashes: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.hashes != null && obj.hashes.length === opts.limits.hashes) {
                                throw new MaxLengthError('Decode error - repeated field "hashes" had too many elements');
                            }
                            obj.hashes.push(reader.bytes());
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
                    hashes: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.hashes != null && obj.hashes === opts.limits.hashes) {
                                throw new MaxLengthError('Streaming decode error - repeated field "hashes" had too many elements');
                            }
                            yield {
                                field: `${prefix}.hashes[]`,
                                index: obj.hashes,
                                value: reader.bytes()
                            };
                            obj.hashes++;
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
        return encodeMessage(obj, GetBlocksByHash.codec());
    }
    GetBlocksByHash.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, GetBlocksByHash.codec(), opts);
    }
    GetBlocksByHash.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, GetBlocksByHash.codec(), opts);
    }
    GetBlocksByHash.stream = stream;
})(GetBlocksByHash || (GetBlocksByHash = {}));
export var Block;
(function (Block) {
    let _codec;
    Block.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.block != null && obj.block.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.block);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    block: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.block = reader.bytes();
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
                                field: `${prefix}.block`,
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
        return encodeMessage(obj, Block.codec());
    }
    Block.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Block.codec(), opts);
    }
    Block.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Block.codec(), opts);
    }
    Block.stream = stream;
})(Block || (Block = {}));
export var BlockAnnounce;
(function (BlockAnnounce) {
    let _codec;
    BlockAnnounce.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.headers != null && obj.headers.length > 0) {
                    for (const value of obj.headers) {
                        w.uint32(10);
                        w.bytes(value);
                    }
                }
                if ((obj.acceptedAtMs != null && obj.acceptedAtMs !== 0)) {
                    w.uint32(16);
                    w.uint64Number(obj.acceptedAtMs);
                }
                if ((obj.hops != null && obj.hops !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.hops);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    headers: [],
                    acceptedAtMs: 0,
                    hops: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.headers != null && obj.headers.length === opts.limits.headers) {
                                throw new MaxLengthError('Decode error - repeated field "headers" had too many elements');
                            }
                            obj.headers.push(reader.bytes());
                            break;
                        }
                        case 2: {
                            obj.acceptedAtMs = reader.uint64Number();
                            break;
                        }
                        case 3: {
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
                    headers: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.headers != null && obj.headers === opts.limits.headers) {
                                throw new MaxLengthError('Streaming decode error - repeated field "headers" had too many elements');
                            }
                            yield {
                                field: `${prefix}.headers[]`,
                                index: obj.headers,
                                value: reader.bytes()
                            };
                            obj.headers++;
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.acceptedAtMs`,
                                value: reader.uint64Number()
                            };
                            break;
                        }
                        case 3: {
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
        return encodeMessage(obj, BlockAnnounce.codec());
    }
    BlockAnnounce.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, BlockAnnounce.codec(), opts);
    }
    BlockAnnounce.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, BlockAnnounce.codec(), opts);
    }
    BlockAnnounce.stream = stream;
})(BlockAnnounce || (BlockAnnounce = {}));
