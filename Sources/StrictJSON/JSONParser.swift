/// A strict RFC 8259 JSON parser that can record where every value and key starts.
///
/// Rejects trailing commas, comments, single quotes, leading zeros, NaN and Infinity, unescaped
/// control characters, lone surrogates, invalid UTF-8 and trailing content. Skips a leading UTF-8
/// byte-order mark. Never recurses: nesting is tracked on an explicit stack and capped by
/// ``Options/maxDepth``.
public enum JSONParser {
    /// Limits and choices for one parse.
    public struct Options: Sendable {
        /// The deepest nesting of arrays and objects allowed; `[[1]]` has depth 2, a scalar depth 0.
        public var maxDepth: Int
        /// Whether a key may repeat in one object. When allowed, the last value wins and the member
        /// keeps the position of its first occurrence (as ``JSONObject``'s subscript does). Keys are
        /// compared as Swift strings, so canonically equivalent spellings count as the same key.
        public var allowDuplicateKeys: Bool
        /// The longest input accepted, in bytes.
        public var maxBytes: Int
        /// Whether to record positions for ``JSONDocument/location(of:)``; off is faster.
        public var recordLocations: Bool

        /// Options with the given values; the defaults are strict and record positions.
        public init(maxDepth: Int = 64, allowDuplicateKeys: Bool = false, maxBytes: Int = Int.max, recordLocations: Bool = true) {
            self.maxDepth = maxDepth
            self.allowDuplicateKeys = allowDuplicateKeys
            self.maxBytes = maxBytes
            self.recordLocations = recordLocations
        }
    }

    /// Parses UTF-8 `bytes` as one JSON document.
    /// - Throws: ``JSONSyntaxError`` with the first problem found and its location.
    public static func parse(_ bytes: [UInt8], options: Options = Options()) throws(JSONSyntaxError) -> JSONDocument {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try parse(buffer: buffer, options: options) }
        }
        return try result.get()
    }

    /// Parses `text` as one JSON document.
    /// - Throws: ``JSONSyntaxError`` with the first problem found and its location.
    public static func parse(_ text: String, options: Options = Options()) throws(JSONSyntaxError) -> JSONDocument {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) in try parse(buffer: buffer, options: options) }
        }
        return try result.get()
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, options: Options) throws(JSONSyntaxError) -> JSONDocument {
        var parser = ByteParser(bytes: buffer, options: options)
        let (root, locations) = try parser.parseDocument(maxBytes: options.maxBytes)
        return JSONDocument(root: root, locations: locations)
    }
}

extension JSONValue {
    /// Parses UTF-8 `bytes` strictly, without recording positions: the fast path for the many small
    /// documents (history lines) that are read back rather than shown to people.
    /// - Throws: ``JSONSyntaxError`` with the first problem found and its location.
    public init(parsing bytes: [UInt8], maxDepth: Int = 64) throws(JSONSyntaxError) {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) in try JSONValue(parsing: buffer, maxDepth: maxDepth) }
        }
        self = try result.get()
    }

    /// Parses the UTF-8 bytes in `buffer` strictly, without recording positions or copying the input.
    /// - Throws: ``JSONSyntaxError`` with the first problem found and its location.
    public init(parsing buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = 64) throws(JSONSyntaxError) {
        let options = JSONParser.Options(maxDepth: maxDepth, recordLocations: false)
        var parser = ByteParser(bytes: buffer, options: options)
        self = try parser.parseDocument(maxBytes: Int.max).value
    }
}
