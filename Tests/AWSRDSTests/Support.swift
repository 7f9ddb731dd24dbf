import AWSRDS
import AWSSigning
import Foundation
import RDSCore
import Synchronization
import Time

/// A clock at a fixed time whose sleeps return at once and are recorded, so retry tests never wait.
final class RecordingClock: WallClock {
    private let state = Mutex<(now: Timestamp, sleeps: [Interval])>((Timestamp(millisecondsSinceEpoch: 1_767_268_800_000), []))

    func now() -> Timestamp { state.withLock { $0.now } }

    func sleep(until deadline: Timestamp) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(deadline.interval(since: state.now))
            state.now = max(state.now, deadline)
        }
    }

    var sleeps: [Interval] { state.withLock { $0.sleeps } }
}

/// A transport that answers from a script, one entry per request, and records what was sent.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(HTTPResponse)
        case fail(String)
    }

    private let state: Mutex<(steps: [Step], sent: [HTTPRequest])>

    init(_ steps: [Step]) { state = Mutex((steps, [])) }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step? = state.withLock { state in
            state.sent.append(request)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response)?: return response
        case .fail(let message)?: throw TransportError(code: .noAnswer, message: message)
        case nil: throw TransportError(code: .noAnswer, message: "the script has no answer for request \(sentCount)")
        }
    }

    var sent: [HTTPRequest] { state.withLock { $0.sent } }
    var sentCount: Int { state.withLock { $0.sent.count } }
}

enum Fixtures {
    static let credentials = CredentialsWithSource(
        credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        source: "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")

    static func client(
        _ transport: any HTTPTransport, clock: any WallClock = RecordingClock(), signingName: String = "rds",
        endpoint: String? = nil, retryPolicy: AWSRetryPolicy = AWSRetryPolicy()
    ) -> AWSServiceClient {
        AWSServiceClient(
            signingName: signingName, credentials: credentials,
            endpoints: AWSEndpointResolver(endpointPrefix: signingName, override: endpoint.flatMap { URL(string: $0) }),
            transport: transport, clock: clock, random: { 0.5 }, retryPolicy: retryPolicy)
    }

    static func xml(_ status: Int, _ body: String, contentType: String = "text/xml") -> ScriptedTransport.Step {
        .respond(HTTPResponse(status: status, headers: ["content-type": contentType], body: Array(body.utf8)))
    }

    static func rdsError(_ code: String, _ message: String, status: Int = 400) -> ScriptedTransport.Step {
        xml(
            status,
            "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>\(code)</Code>"
                + "<Message>\(message)</Message></Error><RequestId>req-1</RequestId></ErrorResponse>")
    }

    /// A DBInstance element as moto writes it (one line, microsecond timestamps).
    static func instanceXML(
        identifier: String = "orders-db", region: String = "us-east-1", status: String = "available", multiAZ: Bool = true,
        source: String? = nil, tags: [(String, String)] = [("env", "test")]
    ) -> String {
        let tagXML = tags.map { "<Tag><Key>\($0.0)</Key><Value>\($0.1)</Value></Tag>" }.joined()
        let sourceXML = source.map { "<ReadReplicaSourceDBInstanceIdentifier>\($0)</ReadReplicaSourceDBInstanceIdentifier>" } ?? ""
        return "<DBInstance><DBInstanceIdentifier>\(identifier)</DBInstanceIdentifier><DBInstanceClass>db.m5.large</DBInstanceClass>"
            + "<Engine>postgres</Engine><DBInstanceStatus>\(status)</DBInstanceStatus><MasterUsername>admin1</MasterUsername>"
            + "<Endpoint><Address>\(identifier).aaaaaaaaaa.\(region).rds.amazonaws.com</Address><Port>5432</Port></Endpoint>"
            + "<AllocatedStorage>20</AllocatedStorage><InstanceCreateTime>2026-11-21T19:00:06.071549Z</InstanceCreateTime>"
            + "<BackupRetentionPeriod>1</BackupRetentionPeriod><DBParameterGroups><DBParameterGroup>"
            + "<DBParameterGroupName>default.postgres16</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus>"
            + "</DBParameterGroup></DBParameterGroups><VpcSecurityGroups><VpcSecurityGroupMembership><VpcSecurityGroupId>sg-1"
            + "</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroupMembership></VpcSecurityGroups>"
            + "<MultiAZ>\(multiAZ)</MultiAZ><EngineVersion>16.3</EngineVersion>\(sourceXML)"
            + "<ReadReplicaDBInstanceIdentifiers></ReadReplicaDBInstanceIdentifiers><StorageType>gp2</StorageType>"
            + "<DBInstanceArn>arn:aws:rds:\(region):123456789012:db:\(identifier)</DBInstanceArn><TagList>\(tagXML)</TagList>"
            + "</DBInstance>"
    }

    static func response(_ action: String, result: String) -> ScriptedTransport.Step {
        xml(
            200,
            "<\(action)Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><\(action)Result>\(result)</\(action)Result>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></\(action)Response>")
    }

    /// The form parameters of a sent request, decoded.
    static func form(_ request: HTTPRequest) -> [(name: String, value: String)] {
        String(decoding: request.body, as: UTF8.self).split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = AWSPercentEncoding.decode(parts[0], plusAsSpace: true) ?? parts[0]
            let value = parts.count > 1 ? (AWSPercentEncoding.decode(parts[1], plusAsSpace: true) ?? parts[1]) : ""
            return (name, value)
        }
    }

    static func header(_ request: HTTPRequest, _ name: String) -> String? {
        request.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
