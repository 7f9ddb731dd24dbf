import AWSSigning
import Foundation
public import RDSCore
import Time

/// The real Amazon RDS, over the Query API (`Action=...&Version=2014-10-31`, form-encoded, SigV4)
/// with XML answers. Behind the same ``RDSProvider`` interface as the simulator.
///
/// Cross-region read replicas are created as botocore creates them: the request goes to the
/// destination region with the source's ARN and a `PreSignedUrl`, a query-signed `GET` of the same
/// call against the source region carrying `DestinationRegion`.
public struct AWSRDSProvider: RDSProvider {
    /// The RDS API version every request names.
    public static let apiVersion = "2014-10-31"
    /// How long a cross-region `PreSignedUrl` stays valid, in seconds (botocore's 3600).
    public static let presignedURLExpirySeconds = 3600
    /// Records per `DescribeDBInstances` / `DescribeDBSnapshots` page (the API's maximum).
    public static let pageSize = 100
    /// Pages followed before a listing is refused: 1,000 pages of 100 is far beyond any account's quota.
    public static let maxPages = 1000

    /// Sends the signed requests.
    public let client: AWSServiceClient

    /// Makes a provider over `client` (signing name `rds`).
    public init(client: AWSServiceClient) {
        self.client = client
    }

    // MARK: RDSProvider

    /// `CreateDBInstance`.
    public func createDBInstance(_ request: CreateDBInstanceRequest) async throws -> DBInstance {
        var parameters = QueryParameters(action: "CreateDBInstance", version: Self.apiVersion)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        parameters.add("DBInstanceClass", request.dbInstanceClass)
        parameters.add("Engine", request.engine)
        parameters.add("EngineVersion", request.engineVersion)
        parameters.add("AllocatedStorage", request.allocatedStorage)
        parameters.add("StorageType", request.storageType)
        parameters.add("MultiAZ", request.multiAZ)
        parameters.add("MasterUsername", request.masterUsername)
        parameters.add("MasterUserPassword", request.masterUserPassword)
        if request.manageMasterUserPassword { parameters.add("ManageMasterUserPassword", true) }
        parameters.add("DBName", request.dbName)
        Self.addSecurityGroups(request.vpcSecurityGroupIds, to: &parameters)
        parameters.add("DBSubnetGroupName", request.dbSubnetGroupName)
        parameters.add("DBParameterGroupName", request.dbParameterGroupName)
        parameters.add("BackupRetentionPeriod", request.backupRetentionPeriod)
        parameters.add("StorageEncrypted", request.storageEncrypted)
        parameters.add("PubliclyAccessible", request.publiclyAccessible)
        parameters.addTags(request.tags)
        let result = try await call(parameters, region: request.region, secret: request.masterUserPassword)
        return try instance(in: result, action: "CreateDBInstance")
    }

    /// `CreateDBInstanceReadReplica`, sent to the destination region; across regions with the
    /// source's ARN and a `PreSignedUrl` signed for the source region.
    public func createDBInstanceReadReplica(_ request: CreateDBInstanceReadReplicaRequest) async throws -> DBInstance {
        var parameters = QueryParameters(action: "CreateDBInstanceReadReplica", version: Self.apiVersion)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        parameters.add("SourceDBInstanceIdentifier", request.sourceDBInstanceIdentifier)
        parameters.add("DBInstanceClass", request.dbInstanceClass)
        parameters.add("MultiAZ", request.multiAZ)
        parameters.add("DBSubnetGroupName", request.dbSubnetGroupName)
        Self.addSecurityGroups(request.vpcSecurityGroupIds, to: &parameters)
        parameters.add("KmsKeyId", request.kmsKeyId)
        parameters.addTags(request.tags)
        let sourceRegion = request.sourceRegion
        if sourceRegion != request.region {
            parameters.add("PreSignedUrl", presignedURL(for: parameters, sourceRegion: sourceRegion, destinationRegion: request.region))
        }
        let result = try await call(parameters, region: request.region)
        return try instance(in: result, action: "CreateDBInstanceReadReplica")
    }

    /// `DescribeDBInstances`, following `Marker` through every page.
    public func describeDBInstances(_ request: DescribeDBInstancesRequest) async throws -> [DBInstance] {
        var parameters = QueryParameters(action: "DescribeDBInstances", version: Self.apiVersion)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        return try await pages(parameters, region: request.region, list: "DBInstances").map(RDSDecoding.instance)
    }

    /// `CreateDBSnapshot`.
    public func createDBSnapshot(_ request: CreateDBSnapshotRequest) async throws -> DBSnapshot {
        var parameters = QueryParameters(action: "CreateDBSnapshot", version: Self.apiVersion)
        parameters.add("DBSnapshotIdentifier", request.dbSnapshotIdentifier)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        parameters.addTags(request.tags)
        let result = try await call(parameters, region: request.region)
        guard let snapshot = result.child("DBSnapshot") else { throw Self.malformed("CreateDBSnapshot", missing: "DBSnapshot") }
        return RDSDecoding.snapshot(snapshot)
    }

    /// `DescribeDBSnapshots`, following `Marker` through every page.
    public func describeDBSnapshots(_ request: DescribeDBSnapshotsRequest) async throws -> [DBSnapshot] {
        var parameters = QueryParameters(action: "DescribeDBSnapshots", version: Self.apiVersion)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        parameters.add("DBSnapshotIdentifier", request.dbSnapshotIdentifier)
        return try await pages(parameters, region: request.region, list: "DBSnapshots").map(RDSDecoding.snapshot)
    }

    /// `RestoreDBInstanceFromDBSnapshot`.
    public func restoreDBInstanceFromDBSnapshot(_ request: RestoreDBInstanceFromDBSnapshotRequest) async throws -> DBInstance {
        var parameters = QueryParameters(action: "RestoreDBInstanceFromDBSnapshot", version: Self.apiVersion)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        parameters.add("DBSnapshotIdentifier", request.dbSnapshotIdentifier)
        parameters.add("DBInstanceClass", request.dbInstanceClass)
        parameters.add("MultiAZ", request.multiAZ)
        parameters.add("DBSubnetGroupName", request.dbSubnetGroupName)
        Self.addSecurityGroups(request.vpcSecurityGroupIds, to: &parameters)
        parameters.add("DBParameterGroupName", request.dbParameterGroupName)
        parameters.addTags(request.tags)
        let result = try await call(parameters, region: request.region)
        return try instance(in: result, action: "RestoreDBInstanceFromDBSnapshot")
    }

    /// `ModifyDBInstance`; `VpcSecurityGroupIds` replaces the whole set (an empty list is sent as such).
    public func modifyDBInstance(_ request: ModifyDBInstanceRequest) async throws -> DBInstance {
        var parameters = QueryParameters(action: "ModifyDBInstance", version: Self.apiVersion)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        parameters.add("DBInstanceClass", request.dbInstanceClass)
        parameters.add("DBParameterGroupName", request.dbParameterGroupName)
        parameters.add("VpcSecurityGroupIds", member: "VpcSecurityGroupId", request.vpcSecurityGroupIds)
        parameters.add("MasterUserPassword", request.masterUserPassword)
        parameters.add("ManageMasterUserPassword", request.manageMasterUserPassword)
        parameters.add("ApplyImmediately", request.applyImmediately)
        let result = try await call(parameters, region: request.region, secret: request.masterUserPassword)
        return try instance(in: result, action: "ModifyDBInstance")
    }

    /// `DeleteDBInstance`.
    public func deleteDBInstance(_ request: DeleteDBInstanceRequest) async throws -> DBInstance {
        var parameters = QueryParameters(action: "DeleteDBInstance", version: Self.apiVersion)
        parameters.add("DBInstanceIdentifier", request.dbInstanceIdentifier)
        parameters.add("SkipFinalSnapshot", request.skipFinalSnapshot)
        parameters.add("FinalDBSnapshotIdentifier", request.finalDBSnapshotIdentifier)
        parameters.add("DeleteAutomatedBackups", request.deleteAutomatedBackups)
        let result = try await call(parameters, region: request.region)
        return try instance(in: result, action: "DeleteDBInstance")
    }

    /// `ListTagsForResource`.
    public func listTagsForResource(_ request: ListTagsForResourceRequest) async throws -> [Tag] {
        var parameters = QueryParameters(action: "ListTagsForResource", version: Self.apiVersion)
        parameters.add("ResourceName", request.resourceName)
        let result = try await call(parameters, region: request.region)
        return RDSDecoding.tags(result.child("TagList"))
    }

    // MARK: Wire

    /// Sends one call and returns its `<ActionResult>` element (the whole answer for actions without one).
    /// - Parameter secret: a value sent in this call that must never come back in an error message.
    func call(_ parameters: QueryParameters, region: String, secret: String? = nil) async throws -> XMLResponseElement {
        let action = parameters.value("Action") ?? "?"
        let body = Array(AWSPercentEncoding.formBody(parameters.pairs).utf8)
        let response: HTTPResponse
        do {
            response = try await client.post(
                action: action, region: region,
                headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], body: body,
                parseError: RDSDecoding.error)
        } catch var error as RDSError {
            if let secret, !secret.isEmpty, error.message.contains(secret) {
                error.message = error.message.replacingOccurrences(of: secret, with: "<redacted>")
            }
            throw error
        }
        guard let root = XMLResponseElement.parse(response.body) else {
            throw Self.malformed(action, missing: "a well-formed XML document")
        }
        return root.child("\(action)Result") ?? root
    }

    /// Every member of the `list` element across all pages.
    func pages(_ parameters: QueryParameters, region: String, list: String) async throws -> [XMLResponseElement] {
        var members: [XMLResponseElement] = []
        var marker: String?
        for _ in 0..<Self.maxPages {
            var page = parameters
            page.add("MaxRecords", Self.pageSize)
            page.add("Marker", marker)
            let result = try await call(page, region: region)
            members += result.child(list)?.children ?? []
            guard let next = result.string("Marker"), !next.isEmpty else { return members }
            marker = next
        }
        throw RDSError(
            code: .tooManyPages, message: "\(parameters.value("Action") ?? "the listing") returned more than \(Self.maxPages) pages")
    }

    /// `VpcSecurityGroupIds` for a create, replica or restore: none given means the VPC's default
    /// group, so nothing is sent (ModifyDBInstance, where an empty list replaces the set, sends it as is).
    static func addSecurityGroups(_ ids: [String], to parameters: inout QueryParameters) {
        if !ids.isEmpty { parameters.add("VpcSecurityGroupIds", member: "VpcSecurityGroupId", ids) }
    }

    func instance(in result: XMLResponseElement, action: String) throws -> DBInstance {
        guard let element = result.child("DBInstance") else { throw Self.malformed(action, missing: "DBInstance") }
        return RDSDecoding.instance(element)
    }

    /// botocore's `PreSignedUrl`: the same parameters plus `DestinationRegion`, as a query-signed GET
    /// against the source region's endpoint.
    func presignedURL(for parameters: QueryParameters, sourceRegion: String, destinationRegion: String) -> String {
        let url = client.endpoints.url(for: sourceRegion)
        let presignParameters = parameters.pairs + [("DestinationRegion", destinationRegion)]
        return client.signer(region: sourceRegion).presignedURL(
            scheme: url.scheme ?? "https", host: AWSEndpointResolver.hostHeader(for: url), path: url.path.isEmpty ? "/" : url.path,
            parameters: presignParameters, at: client.signingTime(), expires: Self.presignedURLExpirySeconds
        ).url
    }

    static func malformed(_ action: String, missing: String) -> RDSError {
        // Retryable as a 5xx would be: a truncated answer may succeed next time, and a create that did
        // take effect is adopted through its ownership tags.
        RDSError(code: .invalidResponse, message: "the answer to \(action) did not contain \(missing)", httpStatus: 502)
    }
}
