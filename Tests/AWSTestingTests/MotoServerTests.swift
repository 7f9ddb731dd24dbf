import AWSTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// moto_server launched per test. Serialized: each test starts its own moto (a Python process that takes a
/// few seconds to import), and the machine is small.
@Suite(.serialized) struct MotoServerTests {
    /// Starts moto, failing (never skipping) with the installation hint when python3 has no moto.
    static func startMoto() async throws -> MotoServer {
        try #require(MotoServer.isAvailable, Comment(rawValue: MotoServer.notInstalledMessage))
        return try await MotoServer.start()
    }

    static let describeStatuses = """
        rds = client("rds")
        print(json.dumps([i["DBInstanceStatus"] for i in rds.describe_db_instances()["DBInstances"]]))
        """

    @Test func startsCreatesDescribesResetsAndStops() async throws {
        let moto = try await Self.startMoto()
        defer { moto.stop() }
        #expect(moto.endpoint == "http://127.0.0.1:\(moto.port)")
        #expect(moto.isRunning)

        let created = try await moto.boto3(
            """
            rds = client("rds")
            rds.create_db_instance(DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                                   AllocatedStorage=20, MasterUsername="admin1", MasterUserPassword="Passw0rd1234")
            print(rds.describe_db_instances(DBInstanceIdentifier="orders-db")["DBInstances"][0]["DBInstanceArn"])
            """)
        #expect(created.trimmingCharacters(in: .whitespacesAndNewlines) == "arn:aws:rds:us-east-1:123456789012:db:orders-db")
        #expect(try await moto.boto3(Self.describeStatuses) == "[\"available\"]\n")

        try await moto.reset()
        #expect(try await moto.boto3(Self.describeStatuses) == "[]\n")

        moto.stop()
        #expect(!moto.isRunning)
        let client = TestClient()
        await #expect(throws: (any Error).self) {
            try await client.send(moto.baseURL, headers: RDSRequest.headers(), body: Data("Action=DescribeDBInstances".utf8))
        }
    }

    /// Each launcher exits when its own stdin closes: no other child holds a copy of that pipe.
    @Test func twoServersStopIndependently() async throws {
        let first = try await Self.startMoto()
        defer { first.stop() }
        let second = try await Self.startMoto()
        defer { second.stop() }
        #expect(first.port != second.port)

        first.stop()

        #expect(!first.isRunning)
        #expect(second.isRunning)
        #expect(try await second.boto3(Self.describeStatuses) == "[]\n")
    }

    @Test func aFailingSnippetReportsItsStderr() async throws {
        let moto = try await Self.startMoto()
        defer { moto.stop() }

        let error = await #expect(throws: MotoServerError.self) {
            try await moto.boto3(#"client("rds").describe_db_instances(DBInstanceIdentifier="missing")"#)
        }
        #expect(error?.description.contains("DBInstanceNotFound") == true)
    }

    @Test func signatureCheckingAcceptsOnlyTheReturnedKey() async throws {
        let moto = try await Self.startMoto()
        defer { moto.stop() }

        let key = try await moto.enableSignatureChecking()

        #expect(key.accessKeyId.hasPrefix("AKIA"))
        #expect(try await moto.boto3(Self.describeStatuses) == "[]\n")
        let wrongSecret = ["AWS_ACCESS_KEY_ID": key.accessKeyId, "AWS_SECRET_ACCESS_KEY": key.secretAccessKey + "x"]
        let error = await #expect(throws: MotoServerError.self) { try await moto.boto3(Self.describeStatuses, environment: wrongSecret) }
        #expect(error?.description.contains("SignatureDoesNotMatch") == true)
        let unknownKey = ["AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"]
        let unknown = await #expect(throws: MotoServerError.self) { try await moto.boto3(Self.describeStatuses, environment: unknownKey) }
        #expect(unknown?.description.contains("InvalidClientTokenId") == true)

        try await moto.disableSignatureChecking()
        #expect(try await moto.boto3(Self.describeStatuses, environment: unknownKey) == "[]\n")
    }

    /// The scenario the stand-in exists for: the create reaches moto, the answer never reaches the client.
    @Test func aCreateRelayedThenDroppedExistsInMoto() async throws {
        let moto = try await Self.startMoto()
        defer { moto.stop() }
        let script = ScriptedResponses(then: .forward(to: moto.baseURL), .forwardThenClose(to: moto.baseURL))
        let standIn = try LoopbackHTTPServer(script: script)
        defer { standIn.stop() }
        let client = TestClient()

        // A fresh connection: libcurl reports the lost response instead of resending (see LoopbackHTTPServerTests).
        await #expect(throws: (any Error).self) {
            try await client.send(standIn.baseURL, headers: RDSRequest.headers(), body: RDSRequest.createDBInstance("lost-db"))
        }
        #expect(try await moto.boto3(Self.describeStatuses) == "[\"available\"]\n")

        let retried = try await client.send(standIn.baseURL, headers: RDSRequest.headers(), body: RDSRequest.createDBInstance("lost-db"))
        #expect(retried.status == 400)
        #expect(retried.text.contains("<Code>DBInstanceAlreadyExists</Code>"))
        #expect(standIn.requests.compactMap(\.queryAction) == ["CreateDBInstance", "CreateDBInstance"])
    }
}

/// A Query API body and headers shaped like an RDS call, with a signature moto does not check by default.
enum RDSRequest {
    static func headers(region: String = "us-east-1") -> [String: String] {
        [
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "X-Amz-Date": "20260101T120000Z",
            "Authorization":
                "AWS4-HMAC-SHA256 Credential=testing/20260101/\(region)/rds/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
        ]
    }

    static func createDBInstance(_ identifier: String) -> Data {
        Data(
            ("Action=CreateDBInstance&Version=2014-10-31&DBInstanceIdentifier=\(identifier)&DBInstanceClass=db.t3.micro"
                + "&Engine=postgres&AllocatedStorage=20&MasterUsername=admin1&MasterUserPassword=Passw0rd1234").utf8)
    }
}
