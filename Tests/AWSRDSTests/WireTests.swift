import AWSRDS
import Foundation
import RDSCore
import Testing
import Time

@Suite struct XMLResponseTests {
    @Test func parsesPrettyPrintedAndOneLineDocumentsAlike() throws {
        let pretty = """
            <DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
              <DescribeDBInstancesResult>
                <Marker>next &amp; more</Marker>
                <DBInstances/>
              </DescribeDBInstancesResult>
            </DescribeDBInstancesResponse>
            """
        let root = try #require(XMLResponseElement.parse(Array(pretty.utf8)))
        #expect(root.name == "DescribeDBInstancesResponse")
        #expect(root.string("DescribeDBInstancesResult", "Marker") == "next & more")
        #expect(root.descendant(["DescribeDBInstancesResult", "DBInstances"])?.children.isEmpty == true)
    }

    @Test func rejectsHTMLAndTruncatedBodies() {
        #expect(XMLResponseElement.parse(Array("<!doctype html><html><title>500</title>".utf8)) == nil)
        #expect(XMLResponseElement.parse(Array("<A><B>".utf8)) == nil)
        #expect(XMLResponseElement.parse([]) == nil)
    }
}

@Suite struct QueryParametersTests {
    @Test func serializesAsBotocoreDoes() {
        var parameters = QueryParameters(action: "ModifyDBInstance", version: "2014-10-31")
        parameters.add("DBInstanceIdentifier", "db1")
        parameters.add("VpcSecurityGroupIds", member: "VpcSecurityGroupId", [])
        parameters.add("ApplyImmediately", true)
        parameters.add("AllocatedStorage", 20)
        parameters.add("DBName", nil as String?)
        parameters.addTags([Tag(key: "env", value: "test"), Tag(key: "owner", value: "a b")])
        let names = parameters.pairs.map(\.name)
        #expect(
            names == [
                "Action", "Version", "DBInstanceIdentifier", "VpcSecurityGroupIds", "ApplyImmediately", "AllocatedStorage",
                "Tags.Tag.1.Key", "Tags.Tag.1.Value", "Tags.Tag.2.Key", "Tags.Tag.2.Value",
            ])
        #expect(parameters.value("VpcSecurityGroupIds") == "")
        #expect(parameters.value("ApplyImmediately") == "true")
    }

    @Test func listsNumberMembersFromOne() {
        var parameters = QueryParameters(action: "X", version: "1")
        parameters.add("VpcSecurityGroupIds", member: "VpcSecurityGroupId", ["sg-a", "sg-b"])
        #expect(parameters.value("VpcSecurityGroupIds.VpcSecurityGroupId.1") == "sg-a")
        #expect(parameters.value("VpcSecurityGroupIds.VpcSecurityGroupId.2") == "sg-b")
    }
}

@Suite struct RDSDecodingTests {
    @Test func decodesAMotoInstance() throws {
        let root = try #require(XMLResponseElement.parse(Array(Fixtures.instanceXML().utf8)))
        let instance = RDSDecoding.instance(root)
        #expect(instance.identifier == "orders-db")
        #expect(instance.region == "us-east-1")
        #expect(instance.arn == "arn:aws:rds:us-east-1:123456789012:db:orders-db")
        #expect(instance.multiAZ)
        #expect(instance.endpoint == Endpoint(address: "orders-db.aaaaaaaaaa.us-east-1.rds.amazonaws.com", port: 5432))
        #expect(instance.vpcSecurityGroups == ["sg-1"])
        #expect(instance.dbParameterGroupName == "default.postgres16")
        #expect(instance.tags == [Tag(key: "env", value: "test")])
        #expect(instance.createdAt == Timestamp(iso8601: "2026-11-21T19:00:06.071Z"))
        #expect(instance.readReplicaSourceArn == nil)
    }

    @Test func normalizesASameRegionSourceToAnARN() throws {
        let xml = Fixtures.instanceXML(identifier: "replica", region: "us-east-1", source: "orders-db")
        let instance = RDSDecoding.instance(try #require(XMLResponseElement.parse(Array(xml.utf8))))
        #expect(instance.readReplicaSourceArn == "arn:aws:rds:us-east-1:123456789012:db:orders-db")
        let crossXML = Fixtures.instanceXML(
            identifier: "replica", region: "us-west-2", source: "arn:aws:rds:us-east-1:123456789012:db:orders-db")
        let cross = RDSDecoding.instance(try #require(XMLResponseElement.parse(Array(crossXML.utf8))))
        #expect(cross.readReplicaSourceArn == "arn:aws:rds:us-east-1:123456789012:db:orders-db")
    }

    @Test func readsBothErrorShapes() {
        let aws = HTTPResponse(
            status: 404, headers: [:],
            body: Array(
                "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance x not found.</Message></Error><RequestId>abc</RequestId></ErrorResponse>"
                    .utf8))
        let error = RDSDecoding.error(aws)
        #expect(error == RDSError(code: .dbInstanceNotFound, message: "DBInstance x not found.", httpStatus: 404, requestId: "abc"))
        let moto = HTTPResponse(
            status: 403, headers: ["x-amzn-requestid": "m1"],
            body: Array(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>nope</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"
                    .utf8))
        #expect(
            RDSDecoding.error(moto)
                == RDSError(code: RDSError.Code("SignatureDoesNotMatch"), message: "nope", httpStatus: 403, requestId: "m1"))
    }

    @Test func anHTMLErrorPageIsAnInternalFailureThatQuotesNothing() {
        let page = "<!doctype html><title>500 Internal Server Error</title><p>secret-canary</p>"
        let error = RDSDecoding.error(HTTPResponse(status: 500, headers: ["content-type": "text/html"], body: Array(page.utf8)))
        #expect(error.code == .internalFailure)
        #expect(error.isRetryable)
        #expect(!error.message.contains("secret-canary"))
        #expect(RDSDecoding.error(HTTPResponse(status: 413, body: [])).code == RDSError.Code("HTTP413"))
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCapWithFullJitter() {
        let policy = AWSRetryPolicy()
        #expect(policy.delay(afterAttempt: 1, random: 0.999_999) == .milliseconds(999))
        #expect(policy.delay(afterAttempt: 2, random: 0.5) == .seconds(1))
        #expect(policy.delay(afterAttempt: 4, random: 0.5) == .seconds(4))
        #expect(policy.delay(afterAttempt: 6, random: 0.5) == .seconds(10))
        #expect(policy.delay(afterAttempt: 60, random: 0.5) == .seconds(10))
        #expect(policy.delay(afterAttempt: 3, random: 0) == .zero)
    }

    @Test func classifiesLikeTheSDKs() {
        #expect(AWSRetryPolicy.isRetryable(RDSError(code: .throttling, message: "Rate exceeded")))
        #expect(AWSRetryPolicy.isRetryable(RDSError(code: .internalFailure, message: "", httpStatus: 500)))
        #expect(AWSRetryPolicy.isRetryable(RDSError(code: RDSError.Code("HTTP429"), message: "", httpStatus: 429)))
        #expect(AWSRetryPolicy.isRetryable(RDSError(code: .requestExpired, message: "")))
        #expect(AWSRetryPolicy.isRetryable(RDSError(code: .connectionError, message: "", httpStatus: 0)))
        #expect(!AWSRetryPolicy.isRetryable(RDSError(code: .dbInstanceAlreadyExists, message: "")))
        #expect(!AWSRetryPolicy.isRetryable(RDSError(code: .invalidDBInstanceState, message: "")))
    }
}

@Suite struct EndpointTests {
    @Test func regionalEndpointsAndOverrides() {
        #expect(AWSEndpointResolver(endpointPrefix: "rds").url(for: "eu-west-1").absoluteString == "https://rds.eu-west-1.amazonaws.com/")
        #expect(
            AWSEndpointResolver(endpointPrefix: "rds").url(for: "cn-north-1").absoluteString == "https://rds.cn-north-1.amazonaws.com.cn/")
        let local = AWSEndpointResolver(endpointPrefix: "rds", override: URL(string: "http://127.0.0.1:5055"))
        #expect(local.url(for: "us-west-2").absoluteString == "http://127.0.0.1:5055")
        #expect(AWSEndpointResolver.hostHeader(for: URL(string: "http://127.0.0.1:5055")!) == "127.0.0.1:5055")
        #expect(
            AWSEndpointResolver.hostHeader(for: URL(string: "https://rds.us-east-1.amazonaws.com:443/")!) == "rds.us-east-1.amazonaws.com")
        #expect(AWSEndpointResolver.hostHeader(for: URL(string: "http://localhost:80/")!) == "localhost")
    }
}
