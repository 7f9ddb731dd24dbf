/// The parsing engine: a byte buffer, an index and an explicit stack of open containers, so input
/// nesting never becomes call-stack depth. Every read checks `index < bytes.count` first.
struct ByteParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    let maxDepth: Int
    let allowDuplicateKeys: Bool
    let recordLocations: Bool
    var lines: LineTracker
    /// Reused for strings with escapes, so each one does not allocate a fresh buffer.
    var scratch: [UInt8] = []
    /// Key offsets of the open objects' members, each object's run starting at its `keyBase`;
    /// shared so an object costs no extra allocation. Used to name the first of duplicate keys.
    var keyOffsets: [Int] = []

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser.Options) {
        self.bytes = bytes
        maxDepth = options.maxDepth
        allowDuplicateKeys = options.allowDuplicateKeys
        recordLocations = options.recordLocations
        let hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        index = hasByteOrderMark ? 3 : 0
        lines = LineTracker(origin: index)
    }

    /// An array or object being filled.
    struct Frame {
        let isObject: Bool
        let start: Int
        let startLocation: SourceLocation
        var elements: [JSONValue] = []
        var members: [JSONObject.Member] = []
        /// Key → member index, built once an object outgrows a linear scan.
        var memberIndex: [String: Int] = [:]
        let keyBase: Int
        var pendingKey = ""
        var pendingKeyLocation = SourceLocation.unrecorded
        /// With duplicates allowed: the member the pending value replaces.
        var pendingReplacement: Int?
        var keyLocations: [SourceLocation] = []
        var childLocations: [LocationNode] = []
    }

    /// Objects up to this size find keys by scanning; larger ones keep a dictionary, so duplicate
    /// checks stay linear overall.
    static let linearScanMemberMax = 12

    /// Where a value is expected, for the message when something else is found.
    enum ValueContext {
        case document, arrayStart, afterComma, afterColon
    }

    /// Parses the whole input as one value followed only by whitespace.
    mutating func parseDocument(maxBytes: Int) throws(JSONSyntaxError) -> (value: JSONValue, locations: LocationNode?) {
        if bytes.count > maxBytes {
            throw fail(
                JSONSyntaxError.Code.tooLarge,
                "the document is \(bytes.count) bytes; the limit is \(maxBytes) bytes",
                at: max(0, maxBytes))
        }
        skipWhitespace()
        guard index < bytes.count else {
            throw fail(JSONSyntaxError.Code.emptyDocument, "the document is empty; expected a JSON value", at: index)
        }
        var stack: [Frame] = []
        var context = ValueContext.document
        while true {
            guard index < bytes.count else { throw unexpectedValue(context) }
            let start = index
            let location = recordLocations ? lines.location(at: start, in: bytes) : .unrecorded
            var value: JSONValue
            var node: LocationNode?
            switch bytes[index] {
            case Byte.openBrace, Byte.openBracket:
                let isObject = bytes[index] == Byte.openBrace
                guard stack.count < maxDepth else {
                    throw fail(
                        JSONSyntaxError.Code.tooDeep,
                        "arrays and objects are nested more than \(maxDepth) deep; flatten the document",
                        at: start)
                }
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == (isObject ? Byte.closeBrace : Byte.closeBracket) {
                    index += 1
                    value = isObject ? .object(JSONObject()) : .array([])
                    if recordLocations { node = isObject ? .object(location, keys: [], values: []) : .array(location, []) }
                    break
                }
                var frame = Frame(isObject: isObject, start: start, startLocation: location, keyBase: keyOffsets.count)
                // One allocation for a typical container instead of growing through 1, 2, 4 and 8.
                if isObject { frame.members.reserveCapacity(8) } else { frame.elements.reserveCapacity(4) }
                if isObject { try readKey(into: &frame, afterComma: false) }
                stack.append(frame)
                context = isObject ? .afterColon : .arrayStart
                continue
            case Byte.quote:
                value = .string(try parseString())
                if recordLocations { node = .scalar(location) }
            case Byte.minus, Byte.zero...Byte.nine:
                value = .number(try parseNumber())
                if recordLocations { node = .scalar(location) }
            case Byte.lowercaseT:
                try parseLiteral("true", context)
                value = .bool(true)
                if recordLocations { node = .scalar(location) }
            case Byte.lowercaseF:
                try parseLiteral("false", context)
                value = .bool(false)
                if recordLocations { node = .scalar(location) }
            case Byte.lowercaseN:
                try parseLiteral("null", context)
                value = .null
                if recordLocations { node = .scalar(location) }
            default:
                throw unexpectedValue(context)
            }

            // Hand the finished value to its container, closing every container that ends here.
            while true {
                skipWhitespace()
                guard !stack.isEmpty else {
                    guard index >= bytes.count else {
                        throw fail(
                            JSONSyntaxError.Code.trailingContent,
                            "found \(describe(at: index)) after the JSON value; a document holds exactly one value",
                            at: index)
                    }
                    return (value, node)
                }
                let top = stack.count - 1
                if stack[top].isObject {
                    ByteParser.addMember(value, node, to: &stack[top])
                    if index < bytes.count, bytes[index] == Byte.comma {
                        index += 1
                        skipWhitespace()
                        try readKey(into: &stack[top], afterComma: true)
                        context = .afterColon
                        break
                    }
                    guard index < bytes.count, bytes[index] == Byte.closeBrace else {
                        throw unexpectedAfterMember(stack[top])
                    }
                    index += 1
                    let frame = stack.removeLast()
                    keyOffsets.removeLast(keyOffsets.count - frame.keyBase)
                    value = .object(JSONObject(uniqueMembers: frame.members))
                    if recordLocations {
                        node = .object(frame.startLocation, keys: frame.keyLocations, values: frame.childLocations)
                    }
                } else {
                    stack[top].elements.append(value)
                    if let node { stack[top].childLocations.append(node) }
                    if index < bytes.count, bytes[index] == Byte.comma {
                        index += 1
                        skipWhitespace()
                        context = .afterComma
                        break
                    }
                    guard index < bytes.count, bytes[index] == Byte.closeBracket else {
                        throw unexpectedAfterMember(stack[top])
                    }
                    index += 1
                    let frame = stack.removeLast()
                    value = .array(frame.elements)
                    if recordLocations { node = .array(frame.startLocation, frame.childLocations) }
                }
            }
        }
    }

    /// Reads `"key"` and `:` and the whitespace after them, leaving `index` at the member's value.
    private mutating func readKey(into frame: inout Frame, afterComma: Bool) throws(JSONSyntaxError) {
        guard index < bytes.count, bytes[index] == Byte.quote else {
            throw unexpectedKey(afterComma: afterComma)
        }
        let keyStart = index
        let key = try parseString()
        if recordLocations { frame.pendingKeyLocation = lines.location(at: keyStart, in: bytes) }
        frame.pendingKey = key
        frame.pendingReplacement = nil
        if let existing = ByteParser.findMember(key, in: frame) {
            guard allowDuplicateKeys else { throw duplicateKey(key, at: keyStart, first: keyOffsets[frame.keyBase + existing]) }
            frame.pendingReplacement = existing
        } else {
            keyOffsets.append(keyStart)
        }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == Byte.colon else {
            throw fail(JSONSyntaxError.Code.syntax, "expected ':' after the object key; found \(describe(at: index))", at: index)
        }
        index += 1
        skipWhitespace()
    }

    // findMember and addMember are static: as methods they would copy the whole parser on every
    // call in debug builds.
    private static func findMember(_ key: String, in frame: Frame) -> Int? {
        if frame.members.count <= ByteParser.linearScanMemberMax {
            return frame.members.withUnsafeBufferPointer { members in
                var index = 0
                while index < members.count {
                    if members[index].key == key { return index }
                    index += 1
                }
                return nil
            }
        }
        return frame.memberIndex[key]
    }

    /// Stores the value read for the frame's pending key.
    private static func addMember(_ value: JSONValue, _ node: LocationNode?, to frame: inout Frame) {
        if let replaced = frame.pendingReplacement {
            // Duplicates allowed: the last value wins; the member keeps its first position.
            frame.members[replaced].value = value
            if let node {
                frame.childLocations[replaced] = node
                frame.keyLocations[replaced] = frame.pendingKeyLocation
            }
            return
        }
        frame.members.append(JSONObject.Member(key: frame.pendingKey, value: value))
        if let node {
            frame.childLocations.append(node)
            frame.keyLocations.append(frame.pendingKeyLocation)
        }
        let count = frame.members.count
        if count == ByteParser.linearScanMemberMax + 1 {
            for (position, member) in frame.members.enumerated() { frame.memberIndex[member.key] = position }
        } else if count > ByteParser.linearScanMemberMax + 1 {
            frame.memberIndex[frame.pendingKey] = count - 1
        }
    }

    /// Skips JSON whitespace: space, tab, line feed, carriage return.
    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}

/// The bytes the parser tests most often. `UInt8(ascii:)` is a checked call in debug builds, and
/// these comparisons run for every byte of every history record read.
enum Byte {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let minus: UInt8 = 0x2D  // -
    static let zero: UInt8 = 0x30  // 0
    static let nine: UInt8 = 0x39  // 9
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let lowercaseT: UInt8 = 0x74  // t
    static let lowercaseF: UInt8 = 0x66  // f
    static let lowercaseN: UInt8 = 0x6E  // n
}
