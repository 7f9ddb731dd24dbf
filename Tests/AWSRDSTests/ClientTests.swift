import AWSRDS
import AWSSigning
import Foundation
import RDSCore
import Testing
import Time

@Suite struct ServiceClientRetryTests {
    @Test func throttlingIsRetriedWithBackoffThenSucceeds() async throws {
        let transport = ScriptedTransport([
            Fixtures.rdsError("Throttling", "Rate exceeded"),
            Fixtures.xml(503, "<html>busy</html>", contentType: "text/html"),
            Fixtures.response("DescribeDBInstances", result: "<DBInstances>\(Fixtures.instanceXML())</DBInstances>"),
        ])
        let clock = RecordingClock()
        let provider = AWSRDSProvider(client: Fixtures.client(transport, clock: clock))
        let instances = try await provider.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        #expect(instances.map(\.identifier) == ["orders-db"])
        #expect(transport.sentCount == 3)
        // random is 0.5: half of 1 s, then half of 2 s.
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
    }

    @Test func retriesStopAtTheLimitAndTheErrorStaysRetryableForTheWorkflow() async throws {
        let transport = ScriptedTransport(Array(repeating: Fixtures.rdsError("Throttling", "Rate exceeded"), count: 5))
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        let error = try await #require(throws: RDSError.self) {
            _ = try await provider.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        }
        #expect(transport.sentCount == AWSRetryPolicy.defaultMaxAttempts)
        #expect(error.code == .throttling)
        #expect(error.isRetryable)
        #expect(error.message.contains("after 5 attempts"))
    }

    @Test func connectionErrorsAreRetriedAndNamedWhenTheyPersist() async throws {
        let transport = ScriptedTransport(Array(repeating: .fail("Could not connect to the server"), count: 5))
        let provider = AWSRDSProvider(client: Fixtures.client(transport, endpoint: "http://127.0.0.1:9"))
        let error = try await #require(throws: RDSError.self) {
            _ = try await provider.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        }
        #expect(error.code == .connectionError)
        #expect(error.message.contains("127.0.0.1:9"))
        #expect(error.isRetryable)
    }

    @Test func modelledErrorsAreNotRetried() async throws {
        let transport = ScriptedTransport([Fixtures.rdsError("DBInstanceNotFound", "DBInstance nope not found.", status: 404)])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        let error = try await #require(throws: RDSError.self) {
            _ = try await provider.describeDBInstance(region: "us-east-1", identifier: "nope")
        }
        #expect(error.code == .dbInstanceNotFound)
        #expect(error.httpStatus == 404)
        #expect(transport.sentCount == 1)
    }

    @Test func rejectedCredentialsFailOnceNamingTheirSourceAndNotTheSecret() async throws {
        let transport = ScriptedTransport([
            Fixtures.xml(
                403,
                "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"
            )
        ])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        let error = try await #require(throws: RDSError.self) {
            _ = try await provider.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        }
        #expect(transport.sentCount == 1)
        #expect(error.code == RDSError.Code("InvalidClientTokenId"))
        #expect(!error.isRetryable)
        #expect(error.message.contains("AKIDEXAMPLE"))
        #expect(error.message.contains("environment variables AWS_ACCESS_KEY_ID"))
        #expect(!error.message.contains(Fixtures.credentials.credentials.secretAccessKey))
    }

    @Test func everyAttemptIsSignedAfresh() async throws {
        let transport = ScriptedTransport([
            Fixtures.rdsError("RequestExpired", "Request has expired."),
            Fixtures.response("DescribeDBInstances", result: "<DBInstances/>"),
        ])
        let clock = RecordingClock()
        let provider = AWSRDSProvider(
            client: Fixtures.client(transport, clock: clock, retryPolicy: AWSRetryPolicy(baseDelay: .seconds(4), maxDelay: .seconds(4))))
        _ = try await provider.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        let dates = transport.sent.map { Fixtures.header($0, "X-Amz-Date") }
        #expect(dates == ["20260101T120000Z", "20260101T120002Z"])
        #expect(Fixtures.header(transport.sent[0], "Authorization") != Fixtures.header(transport.sent[1], "Authorization"))
    }
}

@Suite struct RDSProviderWireTests {
    @Test func createInstanceSendsBotocoresFormAndSignsForTheRegion() async throws {
        let transport = ScriptedTransport([Fixtures.response("CreateDBInstance", result: Fixtures.instanceXML(status: "creating"))])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        let instance = try await provider.createDBInstance(
            CreateDBInstanceRequest(
                region: "eu-west-1", dbInstanceIdentifier: "orders-db", engine: "postgres", dbInstanceClass: "db.m5.large",
                multiAZ: true, masterUsername: "admin1", manageMasterUserPassword: true, vpcSecurityGroupIds: ["sg-1"],
                tags: [Tag(key: "cairn:execution", value: "run 1")]))
        #expect(instance.status == "creating")
        let request = try #require(transport.sent.first)
        #expect(request.url.absoluteString == "https://rds.eu-west-1.amazonaws.com/")
        #expect(Fixtures.header(request, "Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.hasPrefix("Action=CreateDBInstance&Version=2014-10-31&DBInstanceIdentifier=orders-db&"))
        #expect(body.contains("&MultiAZ=true&"))
        #expect(body.contains("&ManageMasterUserPassword=true&"))
        #expect(body.contains("VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1"))
        #expect(body.contains("Tags.Tag.1.Key=cairn%3Aexecution&Tags.Tag.1.Value=run+1"))
        #expect(!body.contains("&MasterUserPassword="))
        let authorization = try #require(Fixtures.header(request, "Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/rds/aws4_request, "))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date,"))
    }

    @Test func aCrossRegionReplicaGoesToTheDestinationWithAPresignedURLForTheSource() async throws {
        let source = "arn:aws:rds:us-east-1:123456789012:db:orders-db"
        let transport = ScriptedTransport([
            Fixtures.response(
                "CreateDBInstanceReadReplica",
                result: Fixtures.instanceXML(identifier: "orders-db-usw2", region: "us-west-2", source: source))
        ])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        let replica = try await provider.createDBInstanceReadReplica(
            CreateDBInstanceReadReplicaRequest(
                region: "us-west-2", dbInstanceIdentifier: "orders-db-usw2", sourceDBInstanceIdentifier: source))
        #expect(replica.readReplicaSourceArn == source)
        let request = try #require(transport.sent.first)
        #expect(request.url.absoluteString == "https://rds.us-west-2.amazonaws.com/")
        let form = Fixtures.form(request)
        #expect(form.first { $0.name == "SourceDBInstanceIdentifier" }?.value == source)
        #expect(!form.contains { $0.name == "SourceRegion" })
        let presigned = try #require(form.first { $0.name == "PreSignedUrl" }?.value)
        #expect(presigned.hasPrefix("https://rds.us-east-1.amazonaws.com/?Action=CreateDBInstanceReadReplica&Version=2014-10-31&"))
        #expect(presigned.contains("&DestinationRegion=us-west-2&"))
        #expect(presigned.contains("X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Frds%2Faws4_request"))
        #expect(presigned.contains("&X-Amz-Expires=3600&"))
        #expect(presigned.contains("&X-Amz-Signature="))
    }

    @Test func aSameRegionReplicaHasNoPresignedURL() async throws {
        let transport = ScriptedTransport([
            Fixtures.response("CreateDBInstanceReadReplica", result: Fixtures.instanceXML(identifier: "r", source: "orders-db"))
        ])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        _ = try await provider.createDBInstanceReadReplica(
            CreateDBInstanceReadReplicaRequest(region: "us-east-1", dbInstanceIdentifier: "r", sourceDBInstanceIdentifier: "orders-db"))
        #expect(!Fixtures.form(transport.sent[0]).contains { $0.name == "PreSignedUrl" })
    }

    @Test func describeFollowsMarkersThroughEveryPage() async throws {
        let transport = ScriptedTransport([
            Fixtures.response(
                "DescribeDBInstances", result: "<Marker>page2</Marker><DBInstances>\(Fixtures.instanceXML(identifier: "a"))</DBInstances>"),
            Fixtures.response("DescribeDBInstances", result: "<DBInstances>\(Fixtures.instanceXML(identifier: "b"))</DBInstances>"),
        ])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        let instances = try await provider.describeDBInstances(DescribeDBInstancesRequest(region: "us-east-1"))
        #expect(instances.map(\.identifier) == ["a", "b"])
        #expect(Fixtures.form(transport.sent[0]).first { $0.name == "Marker" } == nil)
        #expect(Fixtures.form(transport.sent[1]).first { $0.name == "Marker" }?.value == "page2")
        #expect(Fixtures.form(transport.sent[1]).first { $0.name == "MaxRecords" }?.value == "100")
    }

    @Test func aPasswordEchoedInAnErrorIsRedacted() async throws {
        let password = "canary-Pw-9f1c2e"
        let transport = ScriptedTransport([Fixtures.rdsError("InvalidParameterValue", "bad password \(password) given")])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        let error = try await #require(throws: RDSError.self) {
            _ = try await provider.modifyDBInstance(
                ModifyDBInstanceRequest(region: "us-east-1", dbInstanceIdentifier: "db", masterUserPassword: password))
        }
        #expect(!error.message.contains(password))
        #expect(error.message.contains("<redacted>"))
    }

    @Test func modifyReplacesSecurityGroupsAndSendsApplyImmediately() async throws {
        let transport = ScriptedTransport([Fixtures.response("ModifyDBInstance", result: Fixtures.instanceXML(status: "modifying"))])
        let provider = AWSRDSProvider(client: Fixtures.client(transport))
        _ = try await provider.modifyDBInstance(
            ModifyDBInstanceRequest(
                region: "us-east-1", dbInstanceIdentifier: "db", dbParameterGroupName: "pg", vpcSecurityGroupIds: ["sg-a", "sg-b"]))
        let body = String(decoding: transport.sent[0].body, as: UTF8.self)
        #expect(
            body
                == "Action=ModifyDBInstance&Version=2014-10-31&DBInstanceIdentifier=db&DBParameterGroupName=pg&"
                + "VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-a&VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-b&ApplyImmediately=true")
    }
}

@Suite struct SecretsManagerWireTests {
    @Test func getSecretValueSignsForTheSecretsRegionAndReadsTheString() async throws {
        let transport = ScriptedTransport([
            .respond(HTTPResponse(status: 200, body: Array(#"{"ARN":"arn:x","Name":"n","SecretString":"{\"password\":\"p\"}"}"#.utf8)))
        ])
        let client = SecretsManagerClient(client: Fixtures.client(transport, signingName: "secretsmanager"), defaultRegion: nil)
        let value = try await client.getSecretValue(arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf")
        #expect(value == #"{"password":"p"}"#)
        let request = try #require(transport.sent.first)
        #expect(request.url.absoluteString == "https://secretsmanager.eu-west-1.amazonaws.com/")
        #expect(Fixtures.header(request, "X-Amz-Target") == "secretsmanager.GetSecretValue")
        #expect(Fixtures.header(request, "Content-Type") == "application/x-amz-json-1.1")
        #expect(Fixtures.header(request, "Authorization")?.contains("x-amz-target") == true)
    }

    @Test func putSecretFallsBackToPutSecretValueWhenTheNameExists() async throws {
        let transport = ScriptedTransport([
            .respond(
                HTTPResponse(
                    status: 400, headers: ["x-amzn-errortype": "ResourceExistsException:http://internal.amazon.com/"],
                    body: Array(#"{"__type":"ResourceExistsException","message":"exists"}"#.utf8))),
            .respond(
                HTTPResponse(status: 200, body: Array(#"{"ARN":"arn:aws:secretsmanager:us-east-1:1:secret:n-1","VersionId":"v"}"#.utf8))),
        ])
        let client = SecretsManagerClient(client: Fixtures.client(transport, signingName: "secretsmanager"), defaultRegion: "us-east-1")
        let arn = try await client.putSecret(name: "n", value: "s3cret-canary", region: "us-east-1", tags: [Tag(key: "k", value: "v")])
        #expect(arn == "arn:aws:secretsmanager:us-east-1:1:secret:n-1")
        #expect(
            transport.sent.map { Fixtures.header($0, "X-Amz-Target") } == ["secretsmanager.CreateSecret", "secretsmanager.PutSecretValue"])
    }

    @Test func errorCodesLoseTheirNamespace() {
        #expect(SecretsManagerClient.errorCode("com.amazonaws.secretsmanager#ResourceNotFoundException") == "ResourceNotFoundException")
        #expect(
            SecretsManagerClient.errorCode("ResourceNotFoundException:http://internal.amazon.com/coral/") == "ResourceNotFoundException")
        #expect(SecretsManagerClient.errorCode("") == nil)
    }
}
