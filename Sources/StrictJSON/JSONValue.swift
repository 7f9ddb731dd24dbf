/// A JSON value. Objects keep their members in source order so positions and messages are stable;
/// canonical encoding sorts keys so nothing persisted depends on insertion or hash order.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// An ordered JSON object with unique keys.
///
/// Member order is kept for messages and positions, but equality and hashing ignore it, as JSON's
/// data model does: an object decoded from history (keys sorted) equals the one built from a file.
public struct JSONObject: Sendable, Hashable, Sequence {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        if lhs.members == rhs.members { return true }
        for member in lhs.members where rhs[member.key] != member.value { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine each member's own hash commutatively.
        var combined = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            combined = combined &+ memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(combined)
    }

    /// One key and its value.
    public struct Member: Sendable, Hashable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// Makes a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members in insertion (source) order.
    public private(set) var members: [Member]

    /// An empty object.
    public init() { members = [] }

    /// An object from key/value pairs; a later duplicate key replaces the earlier value.
    public init(_ pairs: [(String, JSONValue)]) {
        members = []
        members.reserveCapacity(pairs.count)
        guard pairs.count > 16 else {
            for (key, value) in pairs { self[key] = value }
            return
        }
        // Large inputs index keys so building stays linear instead of scanning per key.
        var positions: [String: Int] = [:]
        positions.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            if let position = positions[key] {
                members[position].value = value
            } else {
                positions[key] = members.count
                members.append(Member(key: key, value: value))
            }
        }
    }

    /// An object from members whose keys are already known to be unique (the parser checks them),
    /// so building it costs no lookups.
    init(uniqueMembers: [Member]) {
        members = uniqueMembers
    }

    /// The number of members.
    public var count: Int { members.count }
    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }
    /// The keys in insertion order.
    public var keys: [String] { members.map(\.key) }

    /// The value for `key`; setting `nil` removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            // An index loop over the buffer: no iterator and no copy of members that do not match,
            // which matters in debug builds, where decoders look up every key this way.
            members.withUnsafeBufferPointer { buffer in
                var index = 0
                while index < buffer.count {
                    if buffer[index].key == key { return buffer[index].value }
                    index += 1
                }
                return nil
            }
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Iterates members in insertion order.
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// The members sorted by key (Unicode scalar order), for canonical output.
    public var sortedMembers: [Member] {
        // Objects read back from canonical output are sorted already; checking costs n - 1 compares.
        var index = 1
        while index < members.count, JSONObject.keyPrecedes(members[index - 1].key, members[index].key) { index += 1 }
        if index >= members.count { return members }
        return members.sorted { JSONObject.keyPrecedes($0.key, $1.key) }
    }

    /// Whether `lhs` sorts before `rhs` in Unicode scalar order, compared as UTF-8 bytes (UTF-8
    /// preserves scalar order); this is also the order Foundation's `JSONEncoder` sorts keys in.
    static func keyPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        var lhs = lhs
        var rhs = rhs
        return lhs.withUTF8 { left in
            rhs.withUTF8 { right in
                let common = Swift.min(left.count, right.count)
                var index = 0
                while index < common {
                    if left[index] != right[index] { return left[index] < right[index] }
                    index += 1
                }
                return left.count < right.count
            }
        }
    }
}

extension JSONValue {
    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
    /// The number, if this is a number.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
    /// The number as an exact integer, if this is an integral number in Int64 range.
    public var integerValue: Int64? {
        guard case .number(let value) = self else { return nil }
        return JSONValue.exactInteger(value)
    }
    /// The Boolean, if this is a Boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }
    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
    /// The element at `index` of an array, or nil.
    public subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
    /// `value` as an Int64 when it is integral and within ±2^53 (exactly representable).
    public static func exactInteger(_ value: Double) -> Int64? {
        guard value.isFinite, value >= -9_007_199_254_740_992, value <= 9_007_199_254_740_992 else { return nil }
        let integer = Int64(value)
        return Double(integer) == value ? integer : nil
    }
    /// How deeply arrays and objects nest, counted as ``JSONParser/Options/maxDepth`` counts it:
    /// 0 for a scalar, 1 for `[]` or `{"a":1}`, 2 for `[[1]]`.
    public var nestingDepth: Int {
        var deepest = 0
        switch self {
        case .null, .bool, .number, .string:
            return 0
        case .array(let elements):
            for element in elements { deepest = max(deepest, element.nestingDepth) }
        case .object(let object):
            for member in object.members { deepest = max(deepest, member.value.nestingDepth) }
        }
        return deepest + 1
    }
    /// The JSON type name used in messages: null, boolean, number, string, array, object.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !unkeyed.isAtEnd { elements.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var object = JSONObject()
            // Sorted so the result does not depend on the decoder's dictionary order.
            for key in keyed.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                object[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key)
            }
            self = .object(object)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .number(let value):
            var single = encoder.singleValueContainer()
            if let integer = self.integerValue { try single.encode(integer) } else { try single.encode(value) }
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let elements):
            var unkeyed = encoder.unkeyedContainer()
            for element in elements { try unkeyed.encode(element) }
        case .object(let object):
            var keyed = encoder.container(keyedBy: AnyKey.self)
            for member in object.sortedMembers { try keyed.encode(member.value, forKey: AnyKey(member.key)) }
        }
    }
}

/// A coding key made from any string.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
