public import RDSCore

/// The parameters of one AWS Query API call, serialized as botocore's query serializer does:
/// `Action`, `Version`, then the members in the order they are added.
///
/// Scalars are `Name=value`, booleans lowercase, lists `Name.Member.N` (an empty list is `Name=`),
/// tags `Tags.Tag.N.Key` / `Tags.Tag.N.Value`. Absent optionals are left out.
public struct QueryParameters: Sendable {
    /// The name/value pairs in wire order.
    public private(set) var pairs: [(name: String, value: String)]

    /// Starts the parameters of `action` in API `version`.
    public init(action: String, version: String) {
        pairs = [("Action", action), ("Version", version)]
    }

    /// The value of the first parameter named `name`.
    public func value(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Adds a string member; nil adds nothing.
    public mutating func add(_ name: String, _ value: String?) {
        if let value { pairs.append((name, value)) }
    }

    /// Adds an integer member; nil adds nothing.
    public mutating func add(_ name: String, _ value: Int?) {
        if let value { pairs.append((name, String(value))) }
    }

    /// Adds a boolean member as `true`/`false`; nil adds nothing.
    public mutating func add(_ name: String, _ value: Bool?) {
        if let value { pairs.append((name, value ? "true" : "false")) }
    }

    /// Adds a list as `name.member.N` (1-based); an empty list is sent as `name=`, nil adds nothing.
    public mutating func add(_ name: String, member: String, _ values: [String]?) {
        guard let values else { return }
        guard !values.isEmpty else {
            pairs.append((name, ""))
            return
        }
        for (index, value) in values.enumerated() {
            pairs.append(("\(name).\(member).\(index + 1)", value))
        }
    }

    /// Adds tags as `Tags.Tag.N.Key` / `Tags.Tag.N.Value`; no tags adds nothing.
    public mutating func addTags(_ tags: [Tag]) {
        for (index, tag) in tags.enumerated() {
            pairs.append(("Tags.Tag.\(index + 1).Key", tag.key))
            pairs.append(("Tags.Tag.\(index + 1).Value", tag.value))
        }
    }
}
