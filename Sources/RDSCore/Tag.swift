/// An RDS resource tag (`Tags.Tag.N.Key` / `Tags.Tag.N.Value` on the wire).
public struct Tag: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The tag's key, e.g. `cairn:execution`.
    public var key: String
    /// The tag's value.
    public var value: String

    /// Makes a tag.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// A one-line summary for logs and messages.
    public var description: String { "\(key)=\(value)" }
}

extension Array where Element == Tag {
    /// The value of the first tag named `key`, if any.
    public func value(forKey key: String) -> String? {
        first { $0.key == key }?.value
    }

    /// These tags with later duplicates replacing earlier keys, sorted by key, so equal tag sets
    /// compare and encode equally whatever order they were given in.
    public func normalized() -> [Tag] {
        var byKey: [String: String] = [:]
        for tag in self { byKey[tag.key] = tag.value }
        return byKey.map { Tag(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }
}

/// The tag keys Cairn puts on every resource it creates, so a retried step can recognise its own
/// resource (brief decision 5).
public enum OwnershipTag {
    /// The workflow id of the execution that created the resource.
    public static let execution = "cairn:execution"
    /// The activity id (stable across attempts) that created the resource.
    public static let activity = "cairn:activity"
    /// The run id of the execution that created the resource.
    public static let workflowRun = "cairn:workflow-run"
}
