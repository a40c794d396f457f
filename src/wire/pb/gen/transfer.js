import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var Chunk;
(function (Chunk) {
    let _codec;
    Chunk.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.transferId != null && obj.transferId !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.transferId);
                }
                if ((obj.index != null && obj.index !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.index);
                }
                if ((obj.count != null && obj.count !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.count);
                }
                if ((obj.totalSize != null && obj.totalSize !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.totalSize);
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(42);
                    w.bytes(obj.data);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    transferId: 0,
                    index: 0,
                    count: 0,
                    totalSize: 0,
                    data: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.transferId = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.index = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.count = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.totalSize = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.data = reader.bytes();
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
                                field: `${prefix}.transferId`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.index`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.count`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.totalSize`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.data`,
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
        return encodeMessage(obj, Chunk.codec());
    }
    Chunk.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Chunk.codec(), opts);
    }
    Chunk.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Chunk.codec(), opts);
    }
    Chunk.stream = stream;
})(Chunk || (Chunk = {}));
export var DirectMessage;
(function (DirectMessage) {
    let _codec;
    DirectMessage.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.protocol != null && obj.protocol !== '')) {
                    w.uint32(10);
                    w.string(obj.protocol);
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.data);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    protocol: '',
                    data: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.protocol = reader.string();
                            break;
                        }
                        case 2: {
                            obj.data = reader.bytes();
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
                                field: `${prefix}.protocol`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.data`,
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
        return encodeMessage(obj, DirectMessage.codec());
    }
    DirectMessage.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, DirectMessage.codec(), opts);
    }
    DirectMessage.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, DirectMessage.codec(), opts);
    }
    DirectMessage.stream = stream;
})(DirectMessage || (DirectMessage = {}));
export var DirectReply;
(function (DirectReply) {
    let _codec;
    DirectReply.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.data);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    data: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.data = reader.bytes();
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
                                field: `${prefix}.data`,
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
        return encodeMessage(obj, DirectReply.codec());
    }
    DirectReply.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, DirectReply.codec(), opts);
    }
    DirectReply.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, DirectReply.codec(), opts);
    }
    DirectReply.stream = stream;
})(DirectReply || (DirectReply = {}));
