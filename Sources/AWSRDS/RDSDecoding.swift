public import RDSCore
import Time

/// Reads RDS's XML shapes (`DBInstance`, `DBSnapshot`, `TagList`, `ErrorResponse`) into RDSCore's
/// value types.
public enum RDSDecoding {
    /// A `DBInstance` element.
    public static func instance(_ element: XMLResponseElement) -> DBInstance {
        let arn = element.string("DBInstanceArn") ?? ""
        let parsedARN = RDSResourceARN(parsing: arn)
        let region = parsedARN?.region ?? ""
        let endpoint: Endpoint? = element.string("Endpoint", "Address").map {
            Endpoint(address: $0, port: element.int("Endpoint", "Port") ?? 0)
        }
        let source = element.string("ReadReplicaSourceDBInstanceIdentifier").flatMap { $0.isEmpty ? nil : $0 }
        let parameterGroup = element.child("DBParameterGroups")?.children.first
        return DBInstance(
            identifier: element.string("DBInstanceIdentifier") ?? "",
            arn: arn,
            region: region,
            status: element.string("DBInstanceStatus") ?? "",
            engine: element.string("Engine") ?? "",
            engineVersion: element.string("EngineVersion") ?? "",
            instanceClass: element.string("DBInstanceClass") ?? "",
            allocatedStorage: element.int("AllocatedStorage") ?? 0,
            storageType: element.string("StorageType") ?? "",
            multiAZ: element.bool("MultiAZ") ?? false,
            endpoint: endpoint,
            masterUsername: element.string("MasterUsername") ?? "",
            masterUserSecretArn: element.string("MasterUserSecret", "SecretArn"),
            dbName: element.string("DBName"),
            readReplicaSourceArn: source.map { sourceARN($0, besides: parsedARN) },
            readReplicaIdentifiers: element.child("ReadReplicaDBInstanceIdentifiers")?.children.map(\.text) ?? [],
            vpcSecurityGroups: element.child("VpcSecurityGroups")?.children.compactMap { $0.string("VpcSecurityGroupId") } ?? [],
            dbParameterGroupName: parameterGroup?.string("DBParameterGroupName") ?? "",
            parameterApplyStatus: parameterGroup?.string("ParameterApplyStatus") ?? "in-sync",
            dbSubnetGroupName: element.string("DBSubnetGroup", "DBSubnetGroupName"),
            backupRetentionPeriod: element.int("BackupRetentionPeriod") ?? 0,
            storageEncrypted: element.bool("StorageEncrypted") ?? false,
            kmsKeyId: element.string("KmsKeyId"),
            publiclyAccessible: element.bool("PubliclyAccessible") ?? false,
            pendingModifiedValues: PendingModifiedValues(
                instanceClass: element.string("PendingModifiedValues", "DBInstanceClass"),
                masterUserPassword: element.string("PendingModifiedValues", "MasterUserPassword") != nil),
            tags: tags(element.child("TagList")),
            createdAt: element.string("InstanceCreateTime").flatMap(Timestamp.init(iso8601:)))
    }

    /// A `DBSnapshot` element.
    public static func snapshot(_ element: XMLResponseElement) -> DBSnapshot {
        let arn = element.string("DBSnapshotArn") ?? ""
        return DBSnapshot(
            identifier: element.string("DBSnapshotIdentifier") ?? "",
            arn: arn,
            region: RDSResourceARN(parsing: arn)?.region ?? "",
            dbInstanceIdentifier: element.string("DBInstanceIdentifier") ?? "",
            status: element.string("Status") ?? "",
            engine: element.string("Engine") ?? "",
            engineVersion: element.string("EngineVersion") ?? "",
            allocatedStorage: element.int("AllocatedStorage") ?? 0,
            masterUsername: element.string("MasterUsername") ?? "",
            port: element.int("Port") ?? 0,
            snapshotType: element.string("SnapshotType") ?? "manual",
            encrypted: element.bool("Encrypted") ?? false,
            tags: tags(element.child("TagList")),
            createdAt: element.string("SnapshotCreateTime").flatMap(Timestamp.init(iso8601:)))
    }

    /// A `TagList` element's tags, normalized (sorted by key).
    public static func tags(_ list: XMLResponseElement?) -> [Tag] {
        (list?.children ?? []).map { Tag(key: $0.string("Key") ?? "", value: $0.string("Value") ?? "") }.normalized()
    }

    /// An RDS error answer. Reads both shapes (`ErrorResponse/Error` as AWS sends it and
    /// `ErrorResponse/Errors/Error` as moto's auth layer does); a body that is not an AWS error (an
    /// HTML page from a proxy or a crashed emulator) becomes `InternalFailure` for 5xx and
    /// `HTTP<status>` otherwise. The body itself is never quoted, so nothing sent can echo back.
    public static func error(_ response: HTTPResponse) -> RDSError {
        let requestId = response.headers["x-amzn-requestid"]
        if let root = XMLResponseElement.parse(response.body), root.name == "ErrorResponse",
            let error = root.child("Error") ?? root.descendant(["Errors", "Error"]),
            let code = error.string("Code"), !code.isEmpty
        {
            return RDSError(
                code: RDSError.Code(code), message: error.string("Message") ?? "", httpStatus: response.status,
                requestId: root.string("RequestId") ?? error.string("RequestId") ?? requestId)
        }
        return unrecognized(response, requestId: requestId)
    }

    /// An error for an answer whose body is not an AWS error document.
    static func unrecognized(_ response: HTTPResponse, requestId: String?) -> RDSError {
        let contentType = response.headers["content-type"] ?? "no content type"
        return RDSError(
            code: response.status >= 500 ? .internalFailure : RDSError.Code("HTTP\(response.status)"),
            message: "HTTP \(response.status) with a body that is not an AWS error (\(response.body.count) bytes, \(contentType))",
            httpStatus: response.status, requestId: requestId)
    }

    /// The source of a replica as an ARN: AWS reports same-region sources by identifier.
    static func sourceARN(_ value: String, besides replica: RDSResourceARN?) -> String {
        guard !value.hasPrefix("arn:"), let replica else { return value }
        return RDSResourceARN(
            partition: replica.partition, region: replica.region, account: replica.account, resourceType: "db", name: value
        ).text
    }
}
