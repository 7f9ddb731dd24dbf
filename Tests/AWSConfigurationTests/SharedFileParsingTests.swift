import AWSSigning
import Testing

@testable import AWSConfiguration

@Suite struct SharedFileParsingTests {
    @Test func commentsBlankLinesDelimitersAndWhitespace() throws {
        let credentials = """
            # full-line comment
            ; another
            [default]
              # indented comment
            \taws_secret_access_key :   sec;ret#kept\u{20}\u{20}
            aws_access_key_id=AKID

            aws_session_token = tok = with = equals
            """
        let resolved = try Fixture(credentials: credentials).resolver().credentials()
        #expect(
            resolved.credentials
                == AWSCredentials(accessKeyId: "AKID", secretAccessKey: "sec;ret#kept", sessionToken: "tok = with = equals"))
    }

    @Test func windowsAndOldMacLineEndingsAndAByteOrderMark() throws {
        var fixture = Fixture()
        fixture.rawFiles[credentialsPath] =
            [0xEF, 0xBB, 0xBF] + Array("[default]\r\naws_access_key_id = AKID\raws_secret_access_key = s\r\n".utf8)
        #expect(try fixture.resolver().credentials().credentials == AWSCredentials(accessKeyId: "AKID", secretAccessKey: "s"))
    }

    @Test func quotedAndSpacedProfileNames() throws {
        let config =
            "[profile \"my profile\"]\nregion = us-west-1\n[profile   spaced  ]\nregion = us-west-2\n[profile a b]\nregion = eu-north-1\n"
        #expect(try Fixture(config: config).resolver(profile: "my profile").region() == "us-west-1")
        #expect(try Fixture(config: config).resolver(profile: "spaced").region() == "us-west-2")
        // Three words: not a profile, as botocore's shlex split decides.
        expectError(.profileNotFound) { _ = try Fixture(config: config).resolver(profile: "a b").region() }
    }

    @Test func laterSectionOfTheSameProfileWins() throws {
        let config = "[default]\nregion = us-east-1\n[profile default]\nregion = us-east-2\n"
        #expect(try Fixture(config: config).resolver().region() == "us-east-2")
    }

    @Test func continuationLinesJoinAPlainValue() throws {
        let document = try INIParser.parse("[s]\nkey = first\n  second\n\n  third\nnext = x\n")
        #expect(document.section(named: "s")?.entries["key"]?.value == .string("first\nsecond\n\nthird"))
        #expect(document.section(named: "s")?.entries["next"]?.value == .string("x"))
    }

    @Test func subsectionsKeepKeyCaseAndSkipCommentsAndBlankLines() throws {
        let document = try INIParser.parse("[services s]\nRDS =\n  Endpoint_URL = http://a:1\n\n  # note\n  other = y\nafter = z\n")
        let section = try #require(document.section(named: "services s"))
        #expect(section.entries["rds"]?.value == .subsection(["Endpoint_URL": "http://a:1", "other": "y"]))
        #expect(section.entries["after"]?.value == .string("z"))
        #expect(section.entries["rds"]?.line == 2)
    }

    @Test func emptyValueWithoutBlockIsAnEmptyString() throws {
        let document = try INIParser.parse("[s]\nrds =\n\nnext = 1\n")
        #expect(document.section(named: "s")?.entries["rds"]?.value == .string(""))
    }

    @Test func sectionHeaderRunsToTheLastBracket() {
        #expect(INIParser.parse(lineOf: "[profile x] trailing") == "profile x")
        #expect(INIParser.parse(lineOf: "[a]b]") == "a]b")
        #expect(INIParser.parse(lineOf: "[]") == nil)
    }

    @Test(arguments: [
        ("[default]\nregion = us-east-1\nthis line has no delimiter \(canary)\n", 3, "expected \"name = value\""),
        ("region = us-east-1\n[default]\n", 1, "before any [section] header"),
        ("[default]\n= \(canary)\n", 2, "no name"),
        ("[default]\nregion = a\n\n[default]\n", 4, "section [default] appears a second time (first on line 1)"),
        (
            "[default]\naws_secret_access_key = \(canary)\nAWS_SECRET_ACCESS_KEY = \(canary)\n", 3,
            "set a second time in [default] (first on line 2)"
        ),
        ("[default]\n[services s]\nrds =\n  endpoint_url = http://a:1\n  \(canary)\n", 5, "indented block under \"rds\" (line 3)"),
        ("[default\nregion = x\n", 1, "before any [section] header"),
    ])
    func malformedNamesFileAndLineButNotTheLine(text: String, line: Int, reason: String) {
        let error = expectError(.configFileMalformed) { _ = try Fixture(credentials: text).resolver().credentials() }
        expectInOrder(error?.message, ["/home/u/.aws/credentials, line \(line): ", reason, "The AWS CLI cannot read this file either"])
    }

    @Test func malformedConfigFileFailsEvenWithEnvironmentCredentials() {
        let fixture = Fixture(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"], config: "[default]\nbroken\n")
        let error = expectError(.configFileMalformed) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["/home/u/.aws/config, line 2"])
    }

    @Test func invalidUTF8NamesTheLine() {
        var fixture = Fixture()
        fixture.rawFiles[configPath] = Array("[default]\nregion = us-east-1\n".utf8) + [0x6E, 0x61, 0x6D, 0x65, 0x3D, 0xE9, 0x0A]
        let error = expectError(.configFileMalformed) { _ = try fixture.resolver().region() }
        expectInOrder(error?.message, ["/home/u/.aws/config, line 3: not UTF-8"])
    }

    @Test func unreadableFile() {
        var fixture = Fixture(environment: ["AWS_CONFIG_FILE": "/etc/aws.cfg"])
        fixture.unreadable = ["/etc/aws.cfg"]
        let error = expectError(.configFileUnreadable) { _ = try fixture.resolver().region() }
        expectInOrder(error?.message, ["cannot read /etc/aws.cfg (from AWS_CONFIG_FILE): Permission denied", "point AWS_CONFIG_FILE"])
    }
}

@Suite struct PathAndWordTests {
    @Test func expandVariablesLikePython() {
        let environment = ["A": "x", "B_2": "y"]
        #expect(SharedFiles.expandVariables("$A/${B_2}/$C/${C}/$/${A", environment: environment) == "x/y/$C/${C}/$/${A")
        #expect(SharedFiles.expandVariables("$A$B_2.ini", environment: environment) == "xy.ini")
    }

    @Test func expandUserLikePython() {
        #expect(SharedFiles.expandUser("~/.aws/config", home: "/home/u/") == "/home/u/.aws/config")
        #expect(SharedFiles.expandUser("~", home: "/home/u") == "/home/u")
        #expect(SharedFiles.expandUser("~", home: "/") == "/")
        #expect(SharedFiles.expandUser("~bob/x", home: "/home/u") == "~bob/x")
        #expect(SharedFiles.expandUser("/abs/~/x", home: "/home/u") == "/abs/~/x")
    }

    @Test func shellSplitLikeShlex() {
        #expect(SharedFiles.shellSplit("profile  \"my name\"") == ["profile", "my name"])
        #expect(SharedFiles.shellSplit("profile 'a b' c") == ["profile", "a b", "c"])
        #expect(SharedFiles.shellSplit("profile a\\ b") == ["profile", "a b"])
        #expect(SharedFiles.shellSplit("profile \"a\\\"b\\x\"") == ["profile", "a\"b\\x"])
        #expect(SharedFiles.shellSplit("profile ''") == ["profile", ""])
        #expect(SharedFiles.shellSplit("profile \"open") == nil)
        #expect(SharedFiles.shellSplit("profile x\\") == nil)
    }

    @Test func serviceKeys() {
        #expect(AWSConfigurationResolver.serviceKey("RDS") == "rds")
        #expect(AWSConfigurationResolver.serviceKey("Secrets Manager") == "secrets_manager")
        #expect(AWSConfigurationResolver.serviceKey("Resource Groups Tagging API") == "resource_groups_tagging_api")
    }
}

extension INIParser {
    /// The section name a one-line file declares, or nil when the line is not a header.
    static func parse(lineOf header: String) -> String? {
        (try? parse(header + "\n"))?.sections.first?.name
    }
}
