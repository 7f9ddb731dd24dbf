import AWSSigning
import Foundation
import Testing

/// Real RDS Query API requests as botocore 1.43.11 signs them (`rds-botocore-vectors.json`): the form
/// body, the header signature and, for cross-region read replicas, the presigned `PreSignedUrl`.
@Suite struct RDSBotocoreVectorTests {
    static let file = "rds-botocore-vectors.json"

    /// The file's top-level fields and its cases by name.
    struct Vectors {
        var amzDate: String
        var accessKey: String
        var secretKey: String
        var cases: [String: [String: Any]]

        static func load() throws -> Vectors {
            let top = try TestData.jsonObject(file)
            guard let amzDate = top["amz_date"] as? String, let accessKey = top["access_key"] as? String,
                let secretKey = top["secret_key"] as? String, let cases = top["cases"] as? [String: [String: Any]]
            else { throw TestData.LoadError.malformed("\(file): amz_date, access_key, secret_key or cases missing") }
            return Vectors(amzDate: amzDate, accessKey: accessKey, secretKey: secretKey, cases: cases)
        }
    }

    /// Case names, sorted (JSON objects have no order); empty when the file is missing, which
    /// ``findsEveryCase()`` reports.
    static let caseNames: [String] = ((try? Vectors.load())?.cases.keys).map { $0.sorted() } ?? []

    @Test func findsEveryCase() throws {
        let vectors = try Vectors.load()
        #expect(vectors.cases.count == 8, "expected the 8 cases of \(TestData.sigv4Directory)/\(Self.file)")
        #expect(vectors.cases.values.filter { $0["presign"] != nil }.count == 2, "expected 2 cross-region cases")
    }

    @Test(arguments: caseNames)
    func signsLikeBotocore(name: String) throws {
        let vectors = try Vectors.load()
        let vector = try #require(vectors.cases[name])
        let region = try #require(vector["region"] as? String)
        let url = try #require(vector["url"] as? String)
        let headers = try #require(vector["headers"] as? [String: String])
        let body = try #require(vector["body"] as? String)
        let expected = try #require(vector["request_signing"] as? [String: String])
        let time = try #require(SigV4Time(amzDate: vectors.amzDate))

        // The body rebuilt from its parameters must be byte-identical: this is botocore's form encoding.
        let parameters = try Self.formParameters(body)
        #expect(AWSPercentEncoding.formBody(parameters) == body, "\(name): form body")

        let credentials = AWSCredentials(
            accessKeyId: vectors.accessKey, secretAccessKey: vectors.secretKey, sessionToken: headers["X-Amz-Security-Token"])
        let host = try Self.host(ofURL: url)
        let request = HTTPRequestToSign(
            method: "POST", path: "/",
            headers: [(name: "Content-Type", value: try #require(headers["Content-Type"])), (name: "Host", value: host)],
            body: Array(AWSPercentEncoding.formBody(parameters).utf8))
        let signature = SigV4Signer(credentials: credentials, region: region, service: "rds").sign(request, at: time)

        #expect(signature.canonicalRequest == expected["canonical_request"], "\(name): canonical request")
        #expect(signature.stringToSign == expected["string_to_sign"], "\(name): string to sign")
        #expect(signature.signature == expected["signature"], "\(name): signature")
        #expect(signature.authorization == headers["Authorization"], "\(name): Authorization")
        // botocore sent exactly these headers besides Content-Type, and the signer adds them in this order.
        let addedNames = signature.addedHeaders.map(\.name)
        let tokenName = credentials.sessionToken == nil ? [] : ["X-Amz-Security-Token"]
        #expect(addedNames == ["X-Amz-Date"] + tokenName + ["Authorization"], "\(name): added headers")
        #expect(Set(addedNames + ["Content-Type"]) == Set(headers.keys), "\(name): header names")
        for header in signature.addedHeaders {
            #expect(header.value == headers[header.name], "\(name): \(header.name)")
        }

        if vector["presign"] != nil {
            try checkPresignedURL(name: name, vector: vector, parameters: parameters, credentials: credentials, time: time)
        }
    }

    /// Rebuilds `PreSignedUrl` as botocore's `inject_presigned_url_rds` does: the same operation as a
    /// GET against the source region, with `DestinationRegion` added, presigned for one hour.
    private func checkPresignedURL(
        name: String, vector: [String: Any], parameters: [(name: String, value: String)], credentials: AWSCredentials, time: SigV4Time
    ) throws {
        let destinationRegion = try #require(vector["region"] as? String)
        let expectedURL = try #require(vector["PreSignedUrl"] as? String)
        let expected = try #require(vector["presign"] as? [String: String])
        // The body carries the URL form-encoded once more; decoded, it is the vector's URL.
        #expect(parameters.first { $0.name == "PreSignedUrl" }?.value == expectedURL, "\(name): PreSignedUrl in the body")

        // The vectors name no source region; like a caller would, take it from the source instance ARN
        // (arn:aws:rds:<region>:<account>:db:<id>).
        let sourceARN = try #require(parameters.first { $0.name == "SourceDBInstanceIdentifier" }?.value)
        let arnFields = sourceARN.split(separator: ":", omittingEmptySubsequences: false)
        let sourceRegion = String(try #require(arnFields.count > 3 ? arnFields[3] : nil, "\(name): source ARN \(sourceARN)"))

        let presignParameters = parameters.filter { $0.name != "PreSignedUrl" } + [(name: "DestinationRegion", value: destinationRegion)]
        let signer = SigV4Signer(credentials: credentials, region: sourceRegion, service: "rds")
        let (url, signature) = signer.presignedURL(
            scheme: "https", host: "rds.\(sourceRegion).amazonaws.com", path: "/", parameters: presignParameters, at: time, expires: 3600)

        #expect(url == expectedURL, "\(name): presigned URL")
        #expect(signature.canonicalRequest == expected["canonical_request"], "\(name): presign canonical request")
        #expect(signature.stringToSign == expected["string_to_sign"], "\(name): presign string to sign")
        #expect(signature.signature == expected["signature"], "\(name): presign signature")
        #expect(signature.addedHeaders.isEmpty, "\(name): a presigned URL needs no extra headers")
    }

    /// The pairs of a form body: split on `&` and the first `=`, decoded with `+` as space.
    static func formParameters(_ body: String) throws -> [(name: String, value: String)] {
        try body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = AWSPercentEncoding.decode(String(parts[0]), plusAsSpace: true),
                let value = AWSPercentEncoding.decode(parts.count > 1 ? String(parts[1]) : "", plusAsSpace: true)
            else { throw TestData.LoadError.malformed("form pair \(pair)") }
            return (name: name, value: value)
        }
    }

    /// `host[:port]` of `scheme://host[:port]/path`.
    static func host(ofURL url: String) throws -> String {
        guard let schemeEnd = url.range(of: "://") else { throw TestData.LoadError.malformed("URL \(url)") }
        let rest = url[schemeEnd.upperBound...]
        return String(rest.prefix { $0 != "/" })
    }
}
