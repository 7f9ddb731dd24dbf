/// A parsed JSON document: its value and, if recorded, where each value and key starts.
public struct JSONDocument: Sendable {
    /// The document's value.
    public let root: JSONValue
    /// Positions parallel to `root`; nil when the parser was told not to record them.
    let locations: LocationNode?

    init(root: JSONValue, locations: LocationNode?) {
        self.root = root
        self.locations = locations
    }

    /// Where the value at `pointer` starts, or nil if there is no such value or no locations were recorded.
    public func location(of pointer: JSONPointer) -> SourceLocation? {
        find(pointer)?.value
    }

    /// For an object member, where its key (the opening quote) starts; nil for the root, array
    /// elements, missing values, or when no locations were recorded.
    public func keyLocation(of pointer: JSONPointer) -> SourceLocation? {
        find(pointer)?.key
    }

    private func find(_ pointer: JSONPointer) -> (value: SourceLocation, key: SourceLocation?)? {
        guard var node = locations else { return nil }
        var value = root
        var key: SourceLocation?
        for token in pointer.tokens {
            switch (value, node) {
            case (.array(let elements), .array(_, let children)):
                guard let index = JSONPointer.arrayIndex(token), index < elements.count, index < children.count else {
                    return nil
                }
                value = elements[index]
                node = children[index]
                key = nil
            case (.object(let object), .object(_, let keys, let children)):
                guard let index = object.members.firstIndex(where: { $0.key == token }), index < children.count else {
                    return nil
                }
                value = object.members[index].value
                node = children[index]
                key = keys[index]
            default:
                return nil
            }
        }
        return (node.start, key)
    }
}

/// Source positions laid out like the value they describe; object children follow member order.
enum LocationNode: Sendable {
    case scalar(SourceLocation)
    case array(SourceLocation, [LocationNode])
    case object(SourceLocation, keys: [SourceLocation], values: [LocationNode])

    /// Where the value starts.
    var start: SourceLocation {
        switch self {
        case .scalar(let start), .array(let start, _), .object(let start, _, _): start
        }
    }
}
