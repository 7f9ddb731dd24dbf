/// Decodes `Decodable` values from a ``JSONValue``, typically one produced by the strict parser
/// (``JSONValue/init(parsing:maxDepth:)``), without going through Foundation.
///
/// It follows `JSONDecoder`'s default strategies: numbers decode into any integer type that holds
/// them exactly and into `Double`/`Float`; `decodeIfPresent` treats a missing key and `null`
/// alike; errors are `DecodingError`s whose coding path names the value that did not fit. A
/// ``JSONValue`` inside the value being decoded is returned as is, without a copy.
///
/// One difference: a ``JSONValue`` number is a `Double`, so integers beyond ±2^53 cannot be told
/// from their neighbours and are refused (`DecodingError.dataCorrupted`) rather than rounded.
public struct JSONValueDecoder: Sendable {
    /// Makes a decoder.
    public init() {}

    /// Decodes a `T` from `value`.
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - value: The JSON to decode it from.
    /// - Returns: The decoded value.
    /// - Throws: `DecodingError` when `value` does not have `T`'s shape.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try DecodingSupport.decode(T.self, from: value, at: .root)
    }

    /// Parses UTF-8 `bytes` strictly and decodes a `T` from them.
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: One JSON document.
    ///   - maxDepth: The deepest nesting of arrays and objects accepted.
    /// - Returns: The decoded value.
    /// - Throws: ``JSONSyntaxError`` when `bytes` are not JSON; `DecodingError` when they do not
    ///   have `T`'s shape.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], maxDepth: Int = 64) throws -> T {
        try decode(T.self, from: JSONValue(parsing: bytes, maxDepth: maxDepth))
    }
}

/// The checks and conversions shared by the three kinds of container.
enum DecodingSupport {
    /// `T` from `value` found at `path`.
    static func decode<T: Decodable>(_: T.Type, from value: JSONValue, at path: @autoclosure () -> CodingPath) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == String.self { return try string(value, at: path()) as! T }
        return try T(from: ValueDecoder(value: value, path: path()))
    }

    static func string(_ value: JSONValue, at path: @autoclosure () -> CodingPath) throws -> String {
        if case .string(let string) = value { return string }
        throw mismatch(String.self, value, at: path())
    }

    static func bool(_ value: JSONValue, at path: @autoclosure () -> CodingPath) throws -> Bool {
        if case .bool(let bool) = value { return bool }
        throw mismatch(Bool.self, value, at: path())
    }

    static func double(_ value: JSONValue, at path: @autoclosure () -> CodingPath) throws -> Double {
        if case .number(let number) = value { return number }
        throw mismatch(Double.self, value, at: path())
    }

    static func float(_ value: JSONValue, at path: @autoclosure () -> CodingPath) throws -> Float {
        guard case .number(let number) = value else { throw mismatch(Float.self, value, at: path()) }
        let float = Float(number)
        guard float.isFinite else { throw doesNotFit(number, Float.self, at: path()) }
        return float
    }

    static func integer<T: FixedWidthInteger>(_ value: JSONValue, _: T.Type, at path: @autoclosure () -> CodingPath) throws -> T {
        guard case .number(let number) = value else { throw mismatch(T.self, value, at: path()) }
        if let exact = JSONValue.exactInteger(number), let integer = T(exactly: exact) { return integer }
        if number.rounded() == number, abs(number) > 9_007_199_254_740_992, T.bitWidth > 53 {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: path().keys,
                    debugDescription: "Parsed JSON number <\(numberText(number))> is beyond ±2^53, where a JSON number "
                        + "(a Double) cannot hold every integer, so it cannot be decoded exactly as \(T.self)."))
        }
        throw doesNotFit(number, T.self, at: path())
    }

    /// A value of the wrong JSON type; `null` is reported as a missing value, as Foundation does.
    static func mismatch(_ type: Any.Type, _ value: JSONValue, at path: CodingPath) -> DecodingError {
        if value.isNull {
            return DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: path.keys, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
        }
        return DecodingError.typeMismatch(
            type,
            DecodingError.Context(
                codingPath: path.keys, debugDescription: "Expected to decode \(type) but found \(describe(value)) instead."))
    }

    static func doesNotFit(_ number: Double, _ type: Any.Type, at path: CodingPath) -> DecodingError {
        DecodingError.dataCorrupted(
            DecodingError.Context(
                codingPath: path.keys, debugDescription: "Parsed JSON number <\(numberText(number))> does not fit in \(type)."))
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    static func numberText(_ number: Double) -> String {
        var output: [UInt8] = []
        JSONValue.writeNumber(number, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func keyedContainer<Key: CodingKey>(_ value: JSONValue, at path: CodingPath) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            if value.isNull {
                throw DecodingError.valueNotFound(
                    JSONObject.self,
                    DecodingError.Context(
                        codingPath: path.keys, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
            }
            throw mismatch(JSONObject.self, value, at: path)
        }
        return KeyedDecodingContainer(KeyedValueDecodingContainer<Key>(object: object, path: path))
    }

    static func unkeyedContainer(_ value: JSONValue, at path: CodingPath) throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            if value.isNull {
                throw DecodingError.valueNotFound(
                    [JSONValue].self,
                    DecodingError.Context(
                        codingPath: path.keys, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
            }
            throw mismatch([JSONValue].self, value, at: path)
        }
        return UnkeyedValueDecodingContainer(elements: elements, path: path)
    }
}

/// The `Decoder` for one value; it is also that value's single-value container.
struct ValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let path: CodingPath

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try DecodingSupport.keyedContainer(value, at: path)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try DecodingSupport.unkeyedContainer(value, at: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try DecodingSupport.bool(value, at: path) }
    func decode(_ type: String.Type) throws -> String { try DecodingSupport.string(value, at: path) }
    func decode(_ type: Double.Type) throws -> Double { try DecodingSupport.double(value, at: path) }
    func decode(_ type: Float.Type) throws -> Float { try DecodingSupport.float(value, at: path) }
    func decode(_ type: Int.Type) throws -> Int { try DecodingSupport.integer(value, Int.self, at: path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try DecodingSupport.integer(value, Int8.self, at: path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try DecodingSupport.integer(value, Int16.self, at: path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try DecodingSupport.integer(value, Int32.self, at: path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try DecodingSupport.integer(value, Int64.self, at: path) }
    func decode(_ type: UInt.Type) throws -> UInt { try DecodingSupport.integer(value, UInt.self, at: path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try DecodingSupport.integer(value, UInt8.self, at: path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try DecodingSupport.integer(value, UInt16.self, at: path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try DecodingSupport.integer(value, UInt32.self, at: path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try DecodingSupport.integer(value, UInt64.self, at: path) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        return try T(from: self)
    }
}

/// The members of an object, looked up by key.
struct KeyedValueDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let path: CodingPath

    var codingPath: [any CodingKey] { path.keys }
    var allKeys: [Key] { object.members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    /// The value for `key`.
    private func value(for key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                DecodingError.Context(
                    codingPath: path.keys, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try DecodingSupport.bool(value(for: key), at: path.appending(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try DecodingSupport.string(value(for: key), at: path.appending(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try DecodingSupport.double(value(for: key), at: path.appending(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try DecodingSupport.float(value(for: key), at: path.appending(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try DecodingSupport.integer(value(for: key), Int.self, at: path.appending(key))
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try DecodingSupport.integer(value(for: key), Int8.self, at: path.appending(key))
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try DecodingSupport.integer(value(for: key), Int16.self, at: path.appending(key))
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try DecodingSupport.integer(value(for: key), Int32.self, at: path.appending(key))
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try DecodingSupport.integer(value(for: key), Int64.self, at: path.appending(key))
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try DecodingSupport.integer(value(for: key), UInt.self, at: path.appending(key))
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try DecodingSupport.integer(value(for: key), UInt8.self, at: path.appending(key))
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try DecodingSupport.integer(value(for: key), UInt16.self, at: path.appending(key))
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try DecodingSupport.integer(value(for: key), UInt32.self, at: path.appending(key))
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try DecodingSupport.integer(value(for: key), UInt64.self, at: path.appending(key))
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try DecodingSupport.decode(T.self, from: value(for: key), at: path.appending(key))
    }

    /// One lookup instead of the default's three (`contains`, `decodeNil`, `decode`).
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        return try DecodingSupport.decode(T.self, from: value, at: path.appending(key))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try DecodingSupport.keyedContainer(value(for: key), at: path.appending(key))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try DecodingSupport.unkeyedContainer(value(for: key), at: path.appending(key))
    }

    /// A decoder for the member `super`, or for `null` when there is none (as Foundation does).
    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: object["super"] ?? .null, path: path.appending(SuperKey()))
    }

    /// A decoder for the member `key`, or for `null` when there is none (as Foundation does).
    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, path: path.appending(key))
    }
}

/// The elements of an array, read in order.
struct UnkeyedValueDecodingContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let path: CodingPath
    private(set) var currentIndex = 0

    init(elements: [JSONValue], path: CodingPath) {
        self.elements = elements
        self.path = path
    }

    var codingPath: [any CodingKey] { path.keys }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element, checked to exist; the caller advances only after a successful decode.
    private func next(_ type: Any.Type) throws -> JSONValue {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: path.appending(index: currentIndex).keys, debugDescription: "Unkeyed container is at end."))
        }
        return elements[currentIndex]
    }

    private var here: CodingPath { path.appending(index: currentIndex) }

    mutating func decodeNil() throws -> Bool {
        guard try next(JSONValue.self).isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let value = try DecodingSupport.bool(next(type), at: here)
        currentIndex += 1
        return value
    }
    mutating func decode(_ type: String.Type) throws -> String {
        let value = try DecodingSupport.string(next(type), at: here)
        currentIndex += 1
        return value
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        let value = try DecodingSupport.double(next(type), at: here)
        currentIndex += 1
        return value
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        let value = try DecodingSupport.float(next(type), at: here)
        currentIndex += 1
        return value
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let value = try DecodingSupport.integer(next(type), T.self, at: here)
        currentIndex += 1
        return value
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try DecodingSupport.decode(T.self, from: next(type), at: here)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let container: KeyedDecodingContainer<NestedKey> = try DecodingSupport.keyedContainer(next(JSONObject.self), at: here)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try DecodingSupport.unkeyedContainer(next([JSONValue].self), at: here)
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = ValueDecoder(value: try next(JSONValue.self), path: here)
        currentIndex += 1
        return decoder
    }
}
