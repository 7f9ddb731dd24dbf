/// Encodes `Encodable` values as a ``JSONValue``, without going through Foundation; write the
/// result with ``JSONValue/canonicalBytes()`` (sorted keys, compact) or
/// ``JSONValue/foundationCompatibleBytes()``.
///
/// It follows `JSONEncoder`'s default strategies: `encodeIfPresent(nil)` leaves the key out, a
/// key encoded twice keeps the last value, and a value that encodes nothing becomes `{}`. A
/// ``JSONValue`` inside the value being encoded is stored as is.
///
/// What a ``JSONValue`` cannot hold is refused with `EncodingError.invalidValue`, never rounded:
/// NaN and infinities (as `JSONEncoder` refuses them) and integers beyond ±2^53. A `Float` is
/// stored as the `Double` nearest its shortest decimal form, so `Float(0.1)` is written `0.1`.
public struct JSONValueEncoder: Sendable {
    /// Makes an encoder.
    public init() {}

    /// Encodes `value`.
    /// - Parameter value: The value to encode.
    /// - Returns: Its JSON.
    /// - Throws: `EncodingError.invalidValue` for a number a ``JSONValue`` cannot hold, or a value
    ///   that encodes nothing at the top level.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if T.self == JSONValue.self {
            let json = value as! JSONValue
            try EncodingSupport.validate(json, at: .root)
            return json
        }
        let encoder = ValueEncoder(path: .root)
        try value.encode(to: encoder)
        guard let content = encoder.content else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
        }
        return content.json
    }
}

/// A value under construction. Containers are reference types so that a nested container handed
/// out earlier keeps writing into its parent.
enum PendingValue {
    case value(JSONValue)
    case object(ObjectBuilder)
    case array(ArrayBuilder)
    /// A sub-encoder from `superEncoder()`, which may be written after it is stored.
    case encoder(ValueEncoder)

    /// The finished value.
    var json: JSONValue {
        switch self {
        case .value(let value):
            return value
        case .object(let object):
            var members: [JSONObject.Member] = []
            members.reserveCapacity(object.members.count)
            for member in object.members { members.append(JSONObject.Member(key: member.key, value: member.value.json)) }
            return .object(JSONObject(uniqueMembers: members))
        case .array(let array):
            var elements: [JSONValue] = []
            elements.reserveCapacity(array.elements.count)
            for element in array.elements { elements.append(element.json) }
            return .array(elements)
        case .encoder(let encoder):
            return encoder.content?.json ?? .object(JSONObject())
        }
    }
}

/// The members of an object being encoded, in the order first encoded.
final class ObjectBuilder {
    /// One member; a struct rather than a tuple, which debug builds handle through generic metadata.
    struct Member {
        var key: String
        var value: PendingValue
    }

    var members: [Member] = []
    /// Positions by key, built once the object is large enough for a linear search to matter.
    private var positions: [String: Int]?

    func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        if members.count > 16 {
            var positions: [String: Int] = [:]
            for index in members.indices { positions[members[index].key] = index }
            self.positions = positions
            return positions[key]
        }
        return members.withUnsafeBufferPointer { members in
            var index = 0
            while index < members.count {
                if members[index].key == key { return index }
                index += 1
            }
            return nil
        }
    }

    func value(for key: String) -> PendingValue? {
        position(of: key).map { members[$0].value }
    }

    /// Sets `key`; a key set twice keeps its first position and its last value.
    func set(_ key: String, _ value: PendingValue) {
        if let index = position(of: key) {
            members[index].value = value
        } else {
            positions?[key] = members.count
            members.append(Member(key: key, value: value))
        }
    }
}

/// The elements of an array being encoded.
final class ArrayBuilder {
    var elements: [PendingValue] = []
}

/// Conversions and checks shared by the three kinds of container.
enum EncodingSupport {
    /// `value` as a pending value, encoding it with a nested encoder unless it is a plain scalar or
    /// a ``JSONValue``.
    static func pending<T: Encodable>(_ value: T, at path: @autoclosure () -> CodingPath) throws -> PendingValue {
        if T.self == JSONValue.self {
            let json = value as! JSONValue
            try validate(json, at: path())
            return .value(json)
        }
        if T.self == String.self { return .value(.string(value as! String)) }
        if T.self == Bool.self { return .value(.bool(value as! Bool)) }
        if T.self == Int.self { return try .value(integer(value as! Int, at: path())) }
        if T.self == Int64.self { return try .value(integer(value as! Int64, at: path())) }
        if T.self == Double.self { return try .value(double(value as! Double, at: path())) }
        let encoder = ValueEncoder(path: path())
        try value.encode(to: encoder)
        return encoder.content ?? .value(.object(JSONObject()))
    }

    static func integer<T: BinaryInteger>(_ value: T, at path: @autoclosure () -> CodingPath) throws -> JSONValue {
        guard value >= -9_007_199_254_740_992, value <= 9_007_199_254_740_992 else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: path().keys,
                    debugDescription: "\(T.self) \(value) is beyond ±2^53 and cannot be held exactly by a JSON number (a Double)."))
        }
        return .number(Double(value))
    }

    static func double(_ value: Double, at path: @autoclosure () -> CodingPath) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: path().keys, debugDescription: "Unable to encode Double.\(value) directly in JSON."))
        }
        return .number(value)
    }

    static func float(_ value: Float, at path: @autoclosure () -> CodingPath) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: path().keys, debugDescription: "Unable to encode Float.\(value) directly in JSON.")
            )
        }
        // Widening would turn 0.1 into 0.10000000149011612; the shortest decimal keeps 0.1.
        return .number(Double(value.description) ?? Double(value))
    }

    /// Throws if `value` holds a number JSON cannot spell (NaN or an infinity), naming its path.
    static func validate(_ value: JSONValue, at path: CodingPath) throws {
        switch value {
        case .null, .bool, .string:
            return
        case .number(let number):
            _ = try double(number, at: path)
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                try validate(element, at: path.appending(index: index))
            }
        case .object(let object):
            for member in object.members {
                try validate(member.value, at: path.appending(AnyKey(member.key)))
            }
        }
    }
}

/// The `Encoder` for one value; it records which kind of container the value used.
final class ValueEncoder: Encoder {
    let path: CodingPath
    /// What was encoded; nil until something is.
    var content: PendingValue?

    init(path: CodingPath) {
        self.path = path
    }

    var codingPath: [any CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: ObjectBuilder
        switch content {
        case .object(let existing):
            object = existing
        case nil:
            object = ObjectBuilder()
            content = .object(object)
        default:
            preconditionFailure("a keyed container was requested for a value already encoded as something else at \(codingPath)")
        }
        return KeyedEncodingContainer(KeyedValueEncodingContainer<Key>(object: object, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: ArrayBuilder
        switch content {
        case .array(let existing):
            array = existing
        case nil:
            array = ArrayBuilder()
            content = .array(array)
        default:
            preconditionFailure("an unkeyed container was requested for a value already encoded as something else at \(codingPath)")
        }
        return UnkeyedValueEncodingContainer(array: array, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueEncodingContainerImpl(encoder: self)
    }
}

/// Writes one value into its encoder.
struct SingleValueEncodingContainerImpl: SingleValueEncodingContainer {
    let encoder: ValueEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    private func store(_ value: PendingValue) {
        precondition(encoder.content == nil, "a single value container was asked to encode a second value at \(codingPath)")
        encoder.content = value
    }

    mutating func encodeNil() throws { store(.value(.null)) }
    mutating func encode(_ value: Bool) throws { store(.value(.bool(value))) }
    mutating func encode(_ value: String) throws { store(.value(.string(value))) }
    mutating func encode(_ value: Double) throws { store(.value(try EncodingSupport.double(value, at: encoder.path))) }
    mutating func encode(_ value: Float) throws { store(.value(try EncodingSupport.float(value, at: encoder.path))) }
    mutating func encode(_ value: Int) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: Int8) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: Int16) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: Int32) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: Int64) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: UInt) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: UInt8) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: UInt16) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: UInt32) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode(_ value: UInt64) throws { store(.value(try EncodingSupport.integer(value, at: encoder.path))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        store(try EncodingSupport.pending(value, at: encoder.path))
    }
}

/// Writes the members of an object.
struct KeyedValueEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: ObjectBuilder
    let path: CodingPath

    var codingPath: [any CodingKey] { path.keys }

    mutating func encodeNil(forKey key: Key) throws { object.set(key.stringValue, .value(.null)) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.set(key.stringValue, .value(.bool(value))) }
    mutating func encode(_ value: String, forKey key: Key) throws { object.set(key.stringValue, .value(.string(value))) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        object.set(key.stringValue, .value(try EncodingSupport.double(value, at: path.appending(key))))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        object.set(key.stringValue, .value(try EncodingSupport.float(value, at: path.appending(key))))
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }

    private func integer<T: BinaryInteger>(_ value: T, _ key: Key) throws {
        object.set(key.stringValue, .value(try EncodingSupport.integer(value, at: path.appending(key))))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.set(key.stringValue, try EncodingSupport.pending(value, at: path.appending(key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<
        NestedKey
    > {
        let nested: ObjectBuilder
        if case .object(let existing) = object.value(for: key.stringValue) {
            nested = existing
        } else {
            nested = ObjectBuilder()
            object.set(key.stringValue, .object(nested))
        }
        return KeyedEncodingContainer(KeyedValueEncodingContainer<NestedKey>(object: nested, path: path.appending(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested: ArrayBuilder
        if case .array(let existing) = object.value(for: key.stringValue) {
            nested = existing
        } else {
            nested = ArrayBuilder()
            object.set(key.stringValue, .array(nested))
        }
        return UnkeyedValueEncodingContainer(array: nested, path: path.appending(key))
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(path: path.appending(SuperKey()))
        object.set(SuperKey().stringValue, .encoder(encoder))
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let encoder = ValueEncoder(path: path.appending(key))
        object.set(key.stringValue, .encoder(encoder))
        return encoder
    }
}

/// Appends the elements of an array.
struct UnkeyedValueEncodingContainer: UnkeyedEncodingContainer {
    let array: ArrayBuilder
    let path: CodingPath

    var codingPath: [any CodingKey] { path.keys }
    var count: Int { array.elements.count }

    private var here: CodingPath { path.appending(index: count) }

    mutating func encodeNil() throws { array.elements.append(.value(.null)) }
    mutating func encode(_ value: Bool) throws { array.elements.append(.value(.bool(value))) }
    mutating func encode(_ value: String) throws { array.elements.append(.value(.string(value))) }
    mutating func encode(_ value: Double) throws { array.elements.append(.value(try EncodingSupport.double(value, at: here))) }
    mutating func encode(_ value: Float) throws { array.elements.append(.value(try EncodingSupport.float(value, at: here))) }
    mutating func encode(_ value: Int) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: Int8) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: Int16) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: Int32) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: Int64) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: UInt) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: UInt8) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: UInt16) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: UInt32) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode(_ value: UInt64) throws { array.elements.append(.value(try EncodingSupport.integer(value, at: here))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        array.elements.append(try EncodingSupport.pending(value, at: here))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBuilder()
        let container = KeyedValueEncodingContainer<NestedKey>(object: nested, path: here)
        array.elements.append(.object(nested))
        return KeyedEncodingContainer(container)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBuilder()
        let container = UnkeyedValueEncodingContainer(array: nested, path: here)
        array.elements.append(.array(nested))
        return container
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(path: here)
        array.elements.append(.encoder(encoder))
        return encoder
    }
}
