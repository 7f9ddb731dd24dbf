import AWSRDS
import AWSTesting
import Activities
import Foundation
import RDSCore
import StrictJSON
import Synchronization
import Testing
import Time
import WorkflowModel

/// The real client (URLSession, real sockets) against a fault-injecting loopback stand-in in front of
/// moto: throttling, 5xx answers, a create whose answer is lost, and rejected credentials.
@Suite(.serialized) struct StandInTests {
    /// A provider whose every call goes through `standIn`; backoff waits are recorded, not slept.
    static func provider(_ standIn: LoopbackHTTPServer, clock: RecordingClock = RecordingClock()) -> AWSRDSProvider {
        AWSRDSProvider(
            client: AWSServiceClient(
                signingName: "rds", credentials: Fixtures.credentials,
                endpoints: AWSEndpointResolver(endpointPrefix: "rds", override: standIn.baseURL), transport: URLSessionTransport(),
                clock: clock, random: { 0.5 }))
    }

    static func moto() async throws -> MotoServer {
        guard MotoServer.isAvailable else { Issue.record(Comment(rawValue: MotoServer.notInstalledMessage)); throw CancellationError() }
        return try await MotoServer.start()
    }

    static func createRequest(_ identifier: String, tags: [RDSCore.Tag] = []) -> CreateDBInstanceRequest {
        CreateDBInstanceRequest(
            region: "us-east-1", dbInstanceIdentifier: identifier, engine: "postgres", dbInstanceClass: "db.m5.large", multiAZ: true,
            masterUsername: "admin1", manageMasterUserPassword: true, tags: tags)
    }

    @Test func throttlingAndServerErrorsAreRetriedUntilMotoAnswers() async throws {
        let moto = try await Self.moto()
        defer { moto.stop() }
        let script = ScriptedResponses(then: .forward(to: moto.baseURL), .throttling, .serviceUnavailable, .internalFailure)
        let standIn = try LoopbackHTTPServer(script: script)
        defer { standIn.stop() }
        let clock = RecordingClock()
        let instance = try await Self.provider(standIn, clock: clock).createDBInstance(Self.createRequest("throttled-db"))
        #expect(instance.identifier == "throttled-db")
        #expect(instance.multiAZ)
        #expect(standIn.requests.count == 4)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1), .seconds(2)])
        // Every attempt is the same call, signed afresh.
        #expect(Set(standIn.requests.map { $0.bodyText }).count == 1)
    }

    @Test func aCreateWhoseAnswerIsLostIsAdoptedThroughItsTags() async throws {
        let moto = try await Self.moto()
        defer { moto.stop() }
        // The create reaches moto, but its answer never reaches Cairn; every later request goes through.
        let script = ScriptedResponses(then: .forward(to: moto.baseURL), .forwardThenClose(to: moto.baseURL))
        let standIn = try LoopbackHTTPServer(script: script)
        defer { standIn.stop() }
        let rds = Self.provider(standIn)
        let handler = try #require(
            BuiltInActivities.handlers(rds: rds, secrets: NoSecrets(), users: NoUsers(), secretResolver: .standard(secrets: NoSecrets()))
                .first { $0.activityType == "rds.createInstance" })
        let reports = ReportLog()
        let context = ActivityContext(
            executionId: "exec-lost", runId: "run-1", activityId: "primary", stepId: "primary", attempt: 1, clock: RecordingClock(),
            heartbeat: { _ in false }, report: { reports.add($0) })
        let output = try await handler.run(
            input: ["region": "us-east-1", "identifier": "lost-db", "engine": "postgres", "instanceClass": "db.m5.large", "multiAZ": true],
            context: context)
        #expect(output["identifier"]?.stringValue == "lost-db")
        #expect(output["tags"]?["cairn:execution"]?.stringValue == "exec-lost")
        let actions = standIn.requests.compactMap(\.queryAction)
        // Create (answer lost), create again (DBInstanceAlreadyExists), describe (our tags): adopted.
        #expect(actions == ["CreateDBInstance", "CreateDBInstance", "DescribeDBInstances"])
        #expect(reports.lines.contains { $0.contains("already exists") && $0.contains("ours") })
        let count = try await moto.boto3(#"print(len(client("rds").describe_db_instances()["DBInstances"]))"#)
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    @Test func aCreateThatCollidesWithSomeoneElsesInstanceFailsClearly() async throws {
        let moto = try await Self.moto()
        defer { moto.stop() }
        _ = try await moto.boto3(
            #"client("rds").create_db_instance(DBInstanceIdentifier="taken-db", DBInstanceClass="db.m5.large", Engine="postgres", MasterUsername="a", MasterUserPassword="Passw0rd1234", AllocatedStorage=20)"#
        )
        let standIn = try LoopbackHTTPServer(forwardingTo: moto.baseURL)
        defer { standIn.stop() }
        let handler = try #require(
            BuiltInActivities.handlers(
                rds: Self.provider(standIn), secrets: NoSecrets(), users: NoUsers(), secretResolver: .standard(secrets: NoSecrets())
            ).first { $0.activityType == "rds.createInstance" })
        let context = ActivityContext(
            executionId: "exec-x", runId: "run-1", activityId: "primary", stepId: "primary", attempt: 1, clock: RecordingClock(),
            heartbeat: { _ in false }, report: { _ in })
        let failure = try await #require(throws: ActivityFailure.self) {
            _ = try await handler.run(
                input: ["region": "us-east-1", "identifier": "taken-db", "engine": "postgres", "instanceClass": "db.m5.large"],
                context: context)
        }
        #expect(failure.reason == "ResourceNotOwned")
        #expect(failure.isNonRetryable)
    }

    @Test func rejectedCredentialsFailAtOnceWithoutRetrying() async throws {
        let script = ScriptedResponses(
            then: .motoAuthError(code: "InvalidClientTokenId", message: "The security token included in the request is invalid."))
        let standIn = try LoopbackHTTPServer(script: script)
        defer { standIn.stop() }
        let error = try await #require(throws: RDSError.self) {
            _ = try await Self.provider(standIn).describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        }
        #expect(standIn.requests.count == 1)
        #expect(error.code == RDSError.Code("InvalidClientTokenId"))
        #expect(!error.isRetryable)
        #expect(error.message.contains("environment variables AWS_ACCESS_KEY_ID"))
        // As the activity sees it: non-retryable, so the workflow's retry policy does not spin on it.
        let failure = await #expect(throws: ActivityFailure.self) {
            _ = try await BuiltInActivities.handlers(
                rds: Self.provider(standIn), secrets: NoSecrets(), users: NoUsers(), secretResolver: .standard(secrets: NoSecrets())
            ).first { $0.activityType == "rds.waitAvailable" }!.run(
                input: ["region": "us-east-1", "identifier": "x"],
                context: ActivityContext(
                    executionId: "e", runId: "r", activityId: "a", stepId: "a", attempt: 1, clock: RecordingClock(),
                    heartbeat: { _ in false }, report: { _ in }))
        }
        #expect(failure?.isNonRetryable == true)
        #expect(failure?.reason == "InvalidClientTokenId")
    }

    @Test func aConnectionRefusedIsRetriedThenReportedAsAConnectionError() async throws {
        // A stand-in that is stopped again at once leaves a loopback port nobody listens on.
        let standIn = try LoopbackHTTPServer(script: ScriptedResponses(then: .throttling))
        standIn.stop()
        let clock = RecordingClock()
        let error = try await #require(throws: RDSError.self) {
            _ = try await Self.provider(standIn, clock: clock).describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        }
        #expect(error.code == .connectionError)
        #expect(error.isRetryable)
        #expect(clock.sleeps.count == AWSRetryPolicy.defaultMaxAttempts - 1)
    }
}

/// A secret store the tests above never reach.
struct NoSecrets: SecretStore {
    func putSecret(name: String, value: String, region: String, tags: [RDSCore.Tag]) async throws -> String {
        throw RDSError(code: RDSError.Code("Unexpected"), message: "no secret store in this test")
    }
    func getSecretValue(arn: String) async throws -> String {
        throw RDSError(code: RDSError.Code("Unexpected"), message: "no secret store in this test")
    }
}

/// A database-user administrator the tests above never reach.
struct NoUsers: DatabaseUserAdministrator {
    func listApplicationUsers(region: String, instanceIdentifier: String) async throws -> [String] { [] }
    func setPassword(region: String, instanceIdentifier: String, user: String, password: String) async throws {}
}

/// Progress lines an activity reported.
final class ReportLog: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
