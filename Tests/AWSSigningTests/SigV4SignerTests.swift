import AWSSigning
import Hashing
import Testing

@Suite struct SigV4SignerTests {
    static let exampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: exampleSecret)
    static let suiteTime = SigV4Time(secondsSince1970: 1_440_938_160)  // 20150830T123600Z

    @Test func signingKeysMatchTheReference() {
        // rds-sigv4.md §6: the AWS documentation chain, and the one the RDS vectors use.
        let iam = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "iam")
        #expect(Hex.encode(iam.signingKey(dateStamp: "20150830")) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        let rds = SigV4Signer(credentials: Self.credentials, region: "us-west-2", service: "rds")
        #expect(Hex.encode(rds.signingKey(dateStamp: "20260101")) == "1f8c34f09ef5ed1f809b2026985a167a0010c7cee2fe7707a9b77d32a89b7aa8")
        #expect(rds.credentialScope(dateStamp: "20260101") == "20260101/us-west-2/rds/aws4_request")
    }

    @Test func workedRDSExampleWithPercent20Body() throws {
        // rds-sigv4.md §6 "Worked RDS example" (verified against botocore's SigV4Auth).
        let body = "Action=CreateDBInstance&Version=2014-10-31&DBInstanceIdentifier=db-1&MasterUserPassword=p%40ss%20w%2Frd%2B%26%3D"
        let request = HTTPRequestToSign(
            method: "POST", path: "/",
            headers: [
                (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"), (name: "Host", value: "127.0.0.1:5055"),
            ],
            body: Array(body.utf8))
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-west-2", service: "rds")
        let signature = signer.sign(request, at: try #require(SigV4Time(amzDate: "20260101T120000Z")))
        #expect(
            signature.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-west-2/rds/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=3ce0a2e48ac7444fb9b3f9e890c82da034188aa8cc86a606b92bdb51a894eb11")
    }

    @Test func presignsLikeAWSCAuthGetVanilla() {
        // aws-c-auth get-vanilla, query form (rds-sigv4.md §6).
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let (url, signature) = signer.presignedURL(
            scheme: "https", host: "example.amazonaws.com", path: "/", parameters: [], at: Self.suiteTime, expires: 3600)
        #expect(
            signature.canonicalRequest
                == """
                GET
                /
                X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
                &X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host
                host:example.amazonaws.com

                host
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(signature.stringToSign.hasSuffix("\nbb7705b4aa3cb8e8f5e1e0b3d4c0b64030797a313c8ceee43e33117cc43eadc5"))
        #expect(signature.signature == "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d")
        #expect(
            url
                == "https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z"
                + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=" + signature.signature)
        #expect(signature.addedHeaders.isEmpty)
        #expect(signature.authorization.hasSuffix("SignedHeaders=host, Signature=" + signature.signature))
    }

    @Test func addsDateThenTokenThenAuthorizationAndReplacesStaleOnes() {
        let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: Self.exampleSecret, sessionToken: "TOKEN")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let stale = HTTPRequestToSign(
            method: "GET", path: "/",
            headers: [
                (name: "Host", value: "example.amazonaws.com"), (name: "x-amz-date", value: "19990101T000000Z"),
                (name: "X-AMZ-SECURITY-TOKEN", value: "OLD"), (name: "Authorization", value: "AWS4-HMAC-SHA256 stale"),
            ])
        let fresh = HTTPRequestToSign(method: "GET", path: "/", headers: [(name: "Host", value: "example.amazonaws.com")])
        let signature = signer.sign(stale, at: Self.suiteTime)
        #expect(signature == signer.sign(fresh, at: Self.suiteTime))
        #expect(signature.addedHeaders.map(\.name) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(signature.addedHeaders.map(\.value) == ["20150830T123600Z", "TOKEN", signature.authorization])
        #expect(signature.canonicalRequest.contains("\nx-amz-date:20150830T123600Z\nx-amz-security-token:TOKEN\n\n"))
        #expect(signature.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
    }

    @Test func neverSignsHopByHopHeadersOrUserAgent() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let plain = HTTPRequestToSign(method: "GET", path: "/", headers: [(name: "Host", value: "example.amazonaws.com")])
        var noisy = plain
        for name in [
            "Connection", "Expect", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding",
            "Upgrade", "User-Agent", "X-Amzn-Trace-Id",
        ] {
            noisy.headers.append((name: name, value: "x"))
        }
        #expect(signer.sign(noisy, at: Self.suiteTime) == signer.sign(plain, at: Self.suiteTime))
    }

    @Test func headerOrderDoesNotMatter() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let headers: [(name: String, value: String)] = [
            (name: "Host", value: "example.amazonaws.com"), (name: "B", value: "2"), (name: "a", value: "1"), (name: "Zeta", value: "z"),
            (name: "content-type", value: "text/plain"),
        ]
        let reference = signer.sign(HTTPRequestToSign(method: "GET", path: "/", headers: headers), at: Self.suiteTime)
        #expect(reference.canonicalRequest.contains("\na:1\nb:2\ncontent-type:text/plain\nhost:example.amazonaws.com\nx-amz-date:"))
        for shift in 1..<headers.count {
            let rotated = Array(headers[shift...] + headers[..<shift])
            #expect(signer.sign(HTTPRequestToSign(method: "GET", path: "/", headers: rotated), at: Self.suiteTime) == reference)
            let reversed = Array(rotated.reversed())
            #expect(signer.sign(HTTPRequestToSign(method: "GET", path: "/", headers: reversed), at: Self.suiteTime) == reference)
        }
    }

    @Test func repeatedHeadersJoinInTheirOwnOrder() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let host = (name: "Host", value: "example.amazonaws.com")
        let forward = signer.sign(
            HTTPRequestToSign(method: "GET", path: "/", headers: [(name: "my", value: "first"), host, (name: "MY", value: " second ")]),
            at: Self.suiteTime)
        let backward = signer.sign(
            HTTPRequestToSign(method: "GET", path: "/", headers: [(name: "MY", value: "second"), host, (name: "my", value: "first")]),
            at: Self.suiteTime)
        #expect(forward.canonicalRequest.contains("\nmy:first,second\n"))
        #expect(backward.canonicalRequest.contains("\nmy:second,first\n"))
        #expect(forward.authorization.contains("SignedHeaders=host;my;x-amz-date,"))
    }

    @Test(arguments: [
        ("", "/"), ("/", "/"), ("//", "/"), ("/./", "/"), ("/a/./b/../c", "/a/c"), ("/a/b/../..", "/"), ("/..", "/"),
        ("//example//", "/example/"), ("/example space/", "/example%20space/"), ("/%20", "/%2520"), ("/ሴ", "/%E1%88%B4"),
        ("/a:b@c", "/a%3Ab%40c"), ("/a/.", "/a"),
    ])
    func canonicalURI(path: String, canonical: String) {
        // Expected values follow botocore's remove_dot_segments followed by quote(safe="/~").
        #expect(SigV4Signer.canonicalURI(path: path) == canonical)
    }

    @Test func canonicalQuerySortsByEncodedNameThenValue() {
        let query: [(name: String, value: String)] = [
            (name: "b", value: "2"), (name: "a", value: "z"), (name: "a", value: "a b"), (name: "A", value: ""), (name: "ሴ", value: "x"),
        ]
        // Byte order of the encoded forms: "%" (0x25) sorts before letters, uppercase before lowercase.
        #expect(SigV4Signer.canonicalQuery(query) == "%E1%88%B4=x&A=&a=a%20b&a=z&b=2")
        #expect(SigV4Signer.canonicalQuery([]) == "")
    }

    @Test func canonicalHeadersTrimCollapseAndFold() {
        let (block, signed) = SigV4Signer.canonicalHeaders([
            (name: "X-Trim", value: "  a   b \t c  "), (name: "X-Fold", value: "one\n  two\r\n\tthree"), (name: "X-Empty", value: "   "),
        ])
        #expect(block == "x-empty:\nx-fold:one,two,three\nx-trim:a b c\n")
        #expect(signed == "x-empty;x-fold;x-trim")
    }

    @Test func signaturesAreHashableByValue() {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "service")
        let request = HTTPRequestToSign(method: "GET", path: "/", headers: [(name: "Host", value: "example.amazonaws.com")])
        let first = signer.sign(request, at: Self.suiteTime)
        let again = signer.sign(request, at: Self.suiteTime)
        let later = signer.sign(request, at: SigV4Time(secondsSince1970: 1_440_938_161))
        #expect(Set([first, again, later]).count == 2)
        var reordered = first
        reordered.addedHeaders.reverse()
        #expect(reordered != first)
    }

    @Test func credentialsNeverShowTheSecretOrToken() {
        let credentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: Self.exampleSecret, sessionToken: "SESSION-TOKEN-VALUE")
        var dumped = ""
        dump(credentials, to: &dumped)
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        var dumpedSigner = ""
        dump(signer, to: &dumpedSigner)
        for text in [
            credentials.description, credentials.debugDescription, String(describing: credentials), String(reflecting: credentials),
            "\(credentials)", dumped, dumpedSigner, String(describing: signer),
        ] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains(Self.exampleSecret), "secret in \(text)")
            #expect(!text.contains("SESSION-TOKEN-VALUE"), "token in \(text)")
        }
    }
}
