import AWSSigning
import Testing

@Suite struct AWSPercentEncodingTests {
    // Expected values from Python: urllib.parse.quote(s, safe="-_.~") and urlencode.
    @Test(arguments: [
        ("p w+&=é", "p%20w%2B%26%3D%C3%A9"),
        (":", "%3A"),
        ("/", "%2F"),
        ("~", "~"),
        ("", ""),
        (
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        ),
        ("ሴ", "%E1%88%B4"),
        ("%", "%25"),
        ("\u{0}\n*'()!", "%00%0A%2A%27%28%29%21"),
    ])
    func rfc3986(text: String, encoded: String) {
        #expect(AWSPercentEncoding.rfc3986(text) == encoded)
    }

    @Test func formBodyEncodesLikeURLEncode() {
        #expect(AWSPercentEncoding.formBody([(name: "k", value: "p w+&=é")]) == "k=p+w%2B%26%3D%C3%A9")
        #expect(AWSPercentEncoding.formBody([(name: "a:/", value: "~"), (name: "b", value: "/")]) == "a%3A%2F=~&b=%2F")
        #expect(AWSPercentEncoding.formBody([(name: "c", value: ":")]) == "c=%3A")
        // Order is kept, empty values stay as "name=" (botocore's empty list), nothing is sorted.
        #expect(AWSPercentEncoding.formBody([(name: "z", value: ""), (name: "a", value: "1")]) == "z=&a=1")
        #expect(AWSPercentEncoding.formBody([]) == "")
    }

    @Test func decodes() {
        #expect(AWSPercentEncoding.decode("p+w%2B%26%3D%C3%A9", plusAsSpace: true) == "p w+&=é")
        #expect(AWSPercentEncoding.decode("p+w%2B", plusAsSpace: false) == "p+w+")
        #expect(AWSPercentEncoding.decode("%c3%a9%E1%88%B4", plusAsSpace: false) == "éሴ")
        #expect(AWSPercentEncoding.decode("", plusAsSpace: true) == "")
        #expect(AWSPercentEncoding.decode("plain-text~", plusAsSpace: true) == "plain-text~")
    }

    @Test(arguments: ["%", "%4", "a%", "%zz", "%G0", "%0g", "%%41", "%FF", "%C3", "%C3%28", "%ED%A0%80"])
    func rejectsMalformedEscapes(text: String) {
        // A bad escape, or bytes that are not UTF-8 (lone continuation, truncated or surrogate sequences).
        #expect(AWSPercentEncoding.decode(text, plusAsSpace: true) == nil)
        #expect(AWSPercentEncoding.decode(text, plusAsSpace: false) == nil)
    }

    @Test func roundTripsEveryUnicodeScalarClass() {
        let samples = ["", " ", "+", "a b+c", "\u{7F}", "é", "€", "𝄞", "日本語", "%41", "k=v&x=y", "\u{10FFFF}"]
        for text in samples {
            #expect(AWSPercentEncoding.decode(AWSPercentEncoding.rfc3986(text), plusAsSpace: false) == text)
            #expect(AWSPercentEncoding.decode(AWSPercentEncoding.rfc3986(text), plusAsSpace: true) == text)
            let body = AWSPercentEncoding.formBody([(name: "n", value: text)])
            #expect(AWSPercentEncoding.decode(String(body.dropFirst(2)), plusAsSpace: true) == text)
        }
    }
}
