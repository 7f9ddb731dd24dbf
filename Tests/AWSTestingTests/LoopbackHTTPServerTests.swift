import Dispatch
import Foundation
import Testing

@testable import AWSTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The stand-in against the client the product uses: URLSession (libcurl underneath on Linux).
@Suite struct LoopbackHTTPServerTests {
    /// An upstream that answers like werkzeug does (`Connection: close`) with what it received.
    static func echoUpstream() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            .respond(
                status: 200, headers: [("Content-Type", "text/plain"), ("X-Upstream", "echo"), ("Connection", "close")],
                body: Array("\(request.method) \(request.path) \(request.bodyText)".utf8))
        }
    }

    @Test func respondsWithTheGivenStatusHeadersAndBodyAndRecordsTheRequest() async throws {
        let server = try LoopbackHTTPServer { _ in
            .respond(status: 409, headers: [("Content-Type", "text/xml"), ("X-Custom", "yes")], body: Array("<a/>".utf8))
        }
        defer { server.stop() }
        let client = TestClient()

        let response = try await client.send(
            server.baseURL.appendingPathComponent("some/path"), headers: ["X-Amz-Date": "20260101T120000Z"], body: Data("A=1&B=2".utf8))

        #expect(response.status == 409)
        #expect(response.header("x-custom") == "yes")
        #expect(response.text == "<a/>")
        let recorded = server.requests
        try #require(recorded.count == 1)
        #expect(recorded[0].method == "POST")
        #expect(recorded[0].path == "/some/path")
        #expect(recorded[0].version == "HTTP/1.1")
        #expect(recorded[0].bodyText == "A=1&B=2")
        #expect(recorded[0].header("x-amz-date") == "20260101T120000Z")
        #expect(recorded[0].header("HOST") == "127.0.0.1:\(server.port)")
        #expect(recorded[0].headerValues("Content-Length") == ["7"])
    }

    @Test func servesSeveralRequestsOnOneKeptAliveConnection() async throws {
        let server = try LoopbackHTTPServer { request in .text("answer to \(request.bodyText)") }
        defer { server.stop() }
        let client = TestClient()

        for number in 1...3 {
            let response = try await client.send(server.baseURL, body: Data("request \(number)".utf8))
            #expect(response.text == "answer to request \(number)")
        }

        let recorded = server.requests
        #expect(recorded.map(\.bodyText) == ["request 1", "request 2", "request 3"])
        #expect(recorded.map(\.connectionNumber) == [0, 0, 0])
        #expect(recorded.map(\.indexOnConnection) == [0, 1, 2])
        #expect(server.connectionCount == 1)
    }

    @Test func closingWithoutResponseIsAnErrorForTheClient() async throws {
        let server = try LoopbackHTTPServer { _ in .closeWithoutResponse }
        defer { server.stop() }
        let client = TestClient()

        let error = await #expect(throws: URLError.self) {
            try await client.send(server.baseURL, body: Data("Action=CreateDBInstance".utf8))
        }
        // libcurl's "Empty reply from server"; the exact NSURLError code is not part of the contract.
        #expect(error?.code != .timedOut)
        #expect(server.requests.map(\.bodyText) == ["Action=CreateDBInstance"])
    }

    /// On a connection it reused, libcurl answers a lost response by resending the request on a fresh connection
    /// ("Connection died, retrying a fresh connect"), but URLSession on Linux cannot rewind the body: the retry
    /// sends the headers and then nothing, so the call ends only when the client's timeout fires. The stand-in
    /// never sees that retry complete, so it records one request.
    @Test func aLostResponseOnAReusedConnectionEndsInTheClientsTimeout() async throws {
        let script = ScriptedResponses(then: .text("fallback"), .text("first"), .closeWithoutResponse)
        let server = try LoopbackHTTPServer(script: script)
        defer { server.stop() }
        let client = TestClient(timeout: 1)

        #expect(try await client.send(server.baseURL, body: Data("one".utf8)).text == "first")
        let error = await #expect(throws: URLError.self) {
            try await client.send(server.baseURL, body: Data("two".utf8))
        }

        #expect(error?.code == .timedOut)
        #expect(server.requests.map(\.bodyText) == ["one", "two"])
    }

    /// With keep-alive off, every request gets a fresh connection, so a lost response is an error at once.
    @Test func withoutKeepAliveALostResponseIsAnImmediateError() async throws {
        let script = ScriptedResponses(then: .text("fallback"), .text("first"), .closeWithoutResponse)
        let server = try LoopbackHTTPServer(keepAlive: false, handler: script.handler)
        defer { server.stop() }
        let client = TestClient()

        let first = try await client.send(server.baseURL, body: Data("one".utf8))
        let error = await #expect(throws: URLError.self) {
            try await client.send(server.baseURL, body: Data("two".utf8))
        }

        #expect(first.header("Connection") == "close")
        #expect(error?.code != .timedOut)
        #expect(server.requests.map(\.bodyText) == ["one", "two"])
        #expect(server.requests.map(\.connectionNumber) == [0, 1])
    }

    @Test func forwardsToTheUpstreamAndRelaysItsAnswer() async throws {
        let upstream = try Self.echoUpstream()
        defer { upstream.stop() }
        let server = try LoopbackHTTPServer(forwardingTo: upstream.baseURL)
        defer { server.stop() }
        let client = TestClient()

        let headers = ["X-Amz-Date": "20260101T120000Z", "Authorization": "AWS4-HMAC-SHA256 Credential=x"]
        let first = try await client.send(server.baseURL.appendingPathComponent("rds"), headers: headers, body: Data("a=1".utf8))
        let second = try await client.send(server.baseURL, body: Data("a=2".utf8))

        #expect(first.status == 200)
        #expect(first.text == "POST /rds a=1")
        #expect(first.header("X-Upstream") == "echo")
        #expect(second.text == "POST / a=2")
        // The upstream's `Connection: close` is about its own hop; the client's connection stays open.
        #expect(server.requests.map(\.connectionNumber) == [0, 0])
        let relayed = upstream.requests
        try #require(relayed.count == 2)
        // Host is relayed unchanged: SigV4 signs it.
        #expect(relayed[0].header("Host") == "127.0.0.1:\(server.port)")
        #expect(relayed[0].header("Authorization") == "AWS4-HMAC-SHA256 Credential=x")
        #expect(relayed[0].header("X-Amz-Date") == "20260101T120000Z")
        #expect(relayed[0].bodyText == "a=1")
        #expect(relayed.map(\.connectionNumber) == [0, 1])
    }

    @Test func forwardThenCloseLetsTheUpstreamActButLosesTheAnswer() async throws {
        let upstream = try Self.echoUpstream()
        defer { upstream.stop() }
        let server = try LoopbackHTTPServer { _ in .forwardThenClose(to: upstream.baseURL) }
        defer { server.stop() }
        let client = TestClient()

        await #expect(throws: (any Error).self) {
            try await client.send(server.baseURL, body: Data("Action=CreateDBInstance".utf8))
        }
        #expect(upstream.requests.map(\.bodyText) == ["Action=CreateDBInstance"])
    }

    @Test func forwardingToAClosedPortAnswers502() async throws {
        let gone = try LoopbackHTTPServer { _ in .text("unused") }
        let goneURL = gone.baseURL
        gone.stop()
        let server = try LoopbackHTTPServer(forwardingTo: goneURL)
        defer { server.stop() }
        let client = TestClient()

        let response = try await client.send(server.baseURL, body: Data("x".utf8))

        #expect(response.status == 502)
        #expect(response.text.contains("could not relay"))
    }

    @Test func aScriptAnswersInOrderThenFallsBack() async throws {
        let upstream = try Self.echoUpstream()
        defer { upstream.stop() }
        let script = ScriptedResponses(then: .forward(to: upstream.baseURL), .serviceUnavailable, .throttling)
        script.enqueue(.internalFailure)
        let server = try LoopbackHTTPServer(script: script)
        defer { server.stop() }
        let client = TestClient()

        var answers: [ClientResponse] = []
        for _ in 1...4 { answers.append(try await client.send(server.baseURL, body: Data("Action=DescribeDBInstances".utf8))) }

        #expect(answers.map(\.status) == [503, 400, 500, 200])
        #expect(answers[0].text.contains("<Code>ServiceUnavailable</Code>"))
        #expect(answers[1].text.contains("<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"))
        #expect(answers[2].text.contains("<Type>Receiver</Type><Code>InternalFailure</Code>"))
        #expect(answers[3].text == "POST / Action=DescribeDBInstances")
        #expect(upstream.requests.count == 1)
        #expect(script.remaining == 0)
        #expect(server.requests.compactMap(\.queryAction) == Array(repeating: "DescribeDBInstances", count: 4))
    }

    @Test func errorBodiesHaveTheRDSAndMotoShapes() throws {
        guard case .respond(let status, let headers, let body) = StandInAction.rdsError(code: "A&B", message: "x < y", status: 404) else {
            Issue.record("rdsError must respond")
            return
        }
        let xml = String(decoding: body, as: UTF8.self)
        #expect(status == 404)
        #expect(headers.first { $0.0 == "Content-Type" }?.1 == "text/xml")
        #expect(xml.hasPrefix(#"<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>"#))
        #expect(xml.contains("<Code>A&amp;B</Code><Message>x &lt; y</Message></Error><RequestId>"))
        #expect(xml.hasSuffix("</RequestId></ErrorResponse>"))

        guard case .respond(let authStatus, _, let authBody) = StandInAction.motoAuthError(code: "SignatureDoesNotMatch", message: "m")
        else {
            Issue.record("motoAuthError must respond")
            return
        }
        #expect(authStatus == 403)
        #expect(
            String(decoding: authBody, as: UTF8.self).hasSuffix(
                "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>m</Message><Type>Sender</Type></Error>"
                    + "</Errors></ErrorResponse>"))
    }

    @Test func aLargeBodyArrivesWholeWhateverContinueHandshakeTheClientUses() async throws {
        let server = try LoopbackHTTPServer { request in .text("\(request.body.count)") }
        defer { server.stop() }
        let client = TestClient()
        let body = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })

        let response = try await client.send(server.baseURL, body: body)

        #expect(response.text == "300000")
        #expect(server.requests.first?.body == Array(body))
    }

    /// URLSession on Linux does not send `Expect: 100-continue` (even for 300 kB), but other clients do: the
    /// stand-in answers the interim response before reading the body.
    @Test func expectContinueIsAnsweredBeforeTheBodyIsRead() throws {
        let server = try LoopbackHTTPServer { request in .text("got \(request.bodyText)") }
        defer { server.stop() }
        let fd = try Sockets.connect(host: "127.0.0.1", port: server.port)
        defer { Sockets.close(fd) }
        let reader = HTTPStreamReader(fd: fd)

        let head = "POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
        #expect(Sockets.send(fd, Array(head.utf8)))
        #expect(try reader.readLine() == "HTTP/1.1 100 Continue")
        #expect(try reader.readLine() == "")
        #expect(Sockets.send(fd, Array("hello".utf8)))
        let response = try UpstreamClient.readResponse(reader, requestMethod: "POST")

        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "got hello")
    }

    @Test func aStreamedBodyIsSentChunkedAndDecoded() async throws {
        let server = try LoopbackHTTPServer { request in .text(request.bodyText) }
        defer { server.stop() }
        let client = TestClient()
        let text = String(repeating: "chunk-", count: 5_000)

        let response = try await client.send(server.baseURL, bodyStream: InputStream(data: Data(text.utf8)))

        // Compared as Booleans: a failure message holding 30 000 characters twice would help nobody.
        let echoed = response.text == text
        #expect(echoed)
        let recorded = try #require(server.requests.first)
        #expect(recorded.header("Transfer-Encoding")?.lowercased() == "chunked")
        let received = recorded.bodyText == text
        #expect(received)
    }

    @Test func stopReturnsWhileAClientHoldsAnIdleKeptAliveConnection() async throws {
        let server = try LoopbackHTTPServer { _ in .text("ok") }
        let client = TestClient()
        _ = try await client.send(server.baseURL, body: Data("x".utf8))
        #expect(server.connectionCount == 1)

        server.stop()
        server.stop()

        await #expect(throws: (any Error).self) {
            try await client.send(server.baseURL, body: Data("y".utf8))
        }
        #expect(server.requests.count == 1)
    }

    @Test func stopWakesARelayWaitingOnASilentUpstream() async throws {
        // An upstream that does not answer until the test lets it: its handler blocks its connection's thread.
        let gate = DispatchSemaphore(value: 0)
        let upstream = try LoopbackHTTPServer { _ in
            gate.wait()
            return .text("late")
        }
        defer { upstream.stop() }
        let server = try LoopbackHTTPServer(forwardingTo: upstream.baseURL)
        let client = TestClient()

        let call = Task { try await client.send(server.baseURL, body: Data("x".utf8)) }
        await upstream.waitForRequests(count: 1)
        server.stop()
        gate.signal()

        await #expect(throws: (any Error).self) { try await call.value }
    }
}
