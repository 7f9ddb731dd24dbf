/// The AWS account the simulator pretends to be, and moto's default account.
public let simulatedAccountId = "123456789012"

/// An RDS ARN split into its parts: `arn:aws:rds:<region>:<account>:<type>:<name>`.
public struct RDSResourceARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition, `aws` outside China and GovCloud.
    public var partition: String
    /// The region, e.g. `us-east-1`.
    public var region: String
    /// The 12-digit account id.
    public var account: String
    /// The resource type: `db`, `snapshot`, `pg`, ...
    public var resourceType: String
    /// The resource's identifier.
    public var name: String

    /// Makes an ARN from parts.
    public init(partition: String = "aws", region: String, account: String, resourceType: String, name: String) {
        self.partition = partition
        self.region = region
        self.account = account
        self.resourceType = resourceType
        self.name = name
    }

    /// Parses an RDS ARN; nil for anything else (including plain identifiers).
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7, parts[0] == "arn", parts[2] == "rds", !parts[1].isEmpty, !parts[3].isEmpty,
            !parts[4].isEmpty, !parts[5].isEmpty, !parts[6].isEmpty
        else { return nil }
        self.init(partition: parts[1], region: parts[3], account: parts[4], resourceType: parts[5], name: parts[6])
    }

    /// The ARN of DB instance `identifier` in `region`.
    public static func dbInstance(region: String, identifier: String, account: String = simulatedAccountId) -> RDSResourceARN {
        RDSResourceARN(region: region, account: account, resourceType: "db", name: identifier)
    }

    /// The ARN of DB snapshot `identifier` in `region`.
    public static func dbSnapshot(region: String, identifier: String, account: String = simulatedAccountId) -> RDSResourceARN {
        RDSResourceARN(region: region, account: account, resourceType: "snapshot", name: identifier)
    }

    /// The ARN text.
    public var text: String { "arn:\(partition):rds:\(region):\(account):\(resourceType):\(name)" }

    /// A one-line summary for logs and messages.
    public var description: String { text }
}
