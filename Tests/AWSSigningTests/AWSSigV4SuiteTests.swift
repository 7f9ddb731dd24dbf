import AWSSigning
import Foundation
import Testing

/// The AWS aws-sig-v4-test-suite (2015-08-30 edition): every `.req` signed and compared with its
/// `.creq`, `.sts` and `.authz`.
@Suite struct AWSSigV4SuiteTests {
    static let suiteDirectory = "aws-sig-v4-test-suite"
    static let signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")

    /// Every case as its path without extension, relative to the test-data directory
    /// (e.g. `aws-sig-v4-test-suite/normalize-path/get-slash/get-slash`), found recursively and sorted.
    /// Empty when the directory is missing; ``findsAll31Cases()`` then fails and names the path.
    static let casePaths: [String] = {
        let root = TestData.sigv4Directory + "/" + suiteDirectory
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var paths: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".req") {
                paths.append(suiteDirectory + "/" + String(relative.dropLast(".req".count)))
            }
        }
        return paths.sorted()
    }()

    @Test func findsAll31Cases() {
        #expect(Self.casePaths.count == 31, "expected 31 cases under \(TestData.sigv4Directory)/\(Self.suiteDirectory)")
        // The two sub-groups are the easiest to lose with a non-recursive search.
        #expect(Self.casePaths.filter { $0.contains("/normalize-path/") }.count == 7)
        #expect(Self.casePaths.filter { $0.contains("/post-sts-token/") }.count == 2)
    }

    @Test(arguments: casePaths)
    func signsLikeTheSuite(casePath: String) throws {
        let request = try SuiteRequest.parse(try TestData.bytes(casePath + ".req"))
        let amzDate = try #require(request.headerValue("X-Amz-Date"), "\(casePath): no X-Amz-Date")
        let time = try #require(SigV4Time(amzDate: amzDate), "\(casePath): bad X-Amz-Date \(amzDate)")
        // post-sts-header-before carries its X-Amz-Security-Token in the request, so it is signed as an
        // ordinary header with token-less credentials; post-sts-header-after has none (the token is
        // added after signing), so both cases sign exactly what their .req holds.
        let signature = Self.signer.sign(request.toSign, at: time)

        #expect(signature.canonicalRequest == (try TestData.text(casePath + ".creq")), "\(casePath): canonical request")
        #expect(signature.stringToSign == (try TestData.text(casePath + ".sts")), "\(casePath): string to sign")
        let authorization = try TestData.text(casePath + ".authz")
        #expect(signature.authorization == authorization, "\(casePath): authorization")
        #expect(signature.addedHeaders.last?.name == "Authorization" && signature.addedHeaders.last?.value == authorization)
        // The signed request (.sreq) has the Authorization header last, before any body.
        let signedRequestHead = try TestData.text(casePath + ".sreq").components(separatedBy: "\n\n")[0]
        #expect(signedRequestHead.hasSuffix("\nAuthorization: " + authorization), "\(casePath): .sreq")
    }
}

/// A classic-suite `.req` file: `METHOD path?query HTTP/1.1`, `Name:value` lines (a line starting
/// with whitespace continues the previous header), a blank line, then the body; no final newline.
struct SuiteRequest {
    var toSign: HTTPRequestToSign

    func headerValue(_ name: String) -> String? {
        toSign.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    static func parse(_ bytes: [UInt8]) throws -> SuiteRequest {
        let newline = UInt8(ascii: "\n")
        // The body starts after the first blank line; the bytes after it are the body, byte-exact.
        var headEnd = bytes.count
        var body: [UInt8] = []
        if let blank = (0..<max(0, bytes.count - 1)).first(where: { bytes[$0] == newline && bytes[$0 + 1] == newline }) {
            headEnd = blank
            body = Array(bytes[(blank + 2)...])
        }
        guard let head = String(validating: bytes[..<headEnd], as: UTF8.self) else { throw TestData.LoadError.malformed("head not UTF-8") }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { throw TestData.LoadError.malformed("empty request") }
        let requestLine = lines.removeFirst()

        // The target may contain spaces (get-space), so cut the method at the first space and the
        // protocol at the last.
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "), firstSpace < lastSpace
        else { throw TestData.LoadError.malformed("request line \(requestLine)") }
        let method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let path: String
        var query: [(name: String, value: String)] = []
        if let questionMark = target.firstIndex(of: "?") {
            path = String(target[..<questionMark])
            for pair in target[target.index(after: questionMark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = AWSPercentEncoding.decode(String(parts[0]), plusAsSpace: false),
                    let value = AWSPercentEncoding.decode(parts.count > 1 ? String(parts[1]) : "", plusAsSpace: false)
                else { throw TestData.LoadError.malformed("query pair \(pair)") }
                query.append((name: name, value: value))
            }
        } else {
            path = String(target)
        }

        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t" {
                // A folded continuation: keep the line break so the signer sees the folding.
                guard !headers.isEmpty else { throw TestData.LoadError.malformed("continuation before any header") }
                headers[headers.count - 1].value += "\n" + line
            } else {
                guard let colon = line.firstIndex(of: ":") else { throw TestData.LoadError.malformed("header line \(line)") }
                headers.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        return SuiteRequest(toSign: HTTPRequestToSign(method: method, path: path, query: query, headers: headers, body: body))
    }
}
