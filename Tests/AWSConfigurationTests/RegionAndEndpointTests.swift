import AWSConfiguration
import Testing

@Suite struct RegionTests {
    let everywhere = Fixture(
        environment: ["AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-2"], config: "[default]\nregion = eu-west-3\n")

    @Test func overrideWinsOverEverything() throws {
        #expect(try everywhere.resolver().region(override: "ap-northeast-1") == "ap-northeast-1")
    }

    @Test func precedence() throws {
        #expect(try everywhere.resolver().region() == "eu-west-1")
        var withoutRegion = everywhere
        withoutRegion.environment["AWS_REGION"] = nil
        #expect(try withoutRegion.resolver().region() == "eu-west-2")
        withoutRegion.environment["AWS_DEFAULT_REGION"] = ""
        #expect(try withoutRegion.resolver().region() == "eu-west-3")
        #expect(try withoutRegion.resolver().region(override: "") == "eu-west-3")
    }

    @Test func namedProfileRegion() throws {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod"], config: "[default]\nregion = us-east-1\n\n[profile prod]\nregion = sa-east-1\n")
        #expect(try fixture.resolver().region() == "sa-east-1")
        #expect(try fixture.resolver(profile: "default").region() == "us-east-1")
    }

    @Test func credentialsFileRegionOverridesTheConfigFilesAsInBotocore() throws {
        let fixture = Fixture(credentials: "[default]\nregion = ca-central-1\n", config: "[default]\nregion = us-east-1\n")
        #expect(try fixture.resolver().region() == "ca-central-1")
    }

    @Test func missingNamesThePlacesAndHowToSetOne() {
        let fixture = Fixture(environment: ["AWS_PROFILE": "prod"], config: "[profile prod]\noutput = json\n")
        let error = expectError(.regionMissing) { _ = try fixture.resolver().region() }
        expectInOrder(
            error?.message,
            [
                "--region", "AWS_REGION", "AWS_DEFAULT_REGION", "region in profile \"prod\"",
                "/home/u/.aws/config has no region in [profile prod]", "/home/u/.aws/credentials does not exist",
                "--region REGION", "export AWS_REGION=REGION", "aws configure set region REGION --profile prod",
            ])
    }

    @Test(arguments: [
        ("US-EAST-1", "--region"), ("us east 1", "--region"), ("-us-east-1", "--region"), ("us-east-1\n", "--region"),
        ("us-east-1 # prod", "--region"),
    ])
    func invalidOverride(value: String, origin: String) {
        let error = expectError(.regionInvalid) { _ = try Fixture().resolver().region(override: value) }
        expectInOrder(error?.message, ["region \"\(value)\" from \(origin)", "like us-east-1"])
    }

    @Test func invalidFromTheEnvironmentAndFromAFileWithAnInlineComment() {
        let variable = Fixture(environment: ["AWS_DEFAULT_REGION": "Frankfurt"])
        let error = expectError(.regionInvalid) { _ = try variable.resolver().region() }
        expectInOrder(error?.message, ["\"Frankfurt\" from AWS_DEFAULT_REGION"])
        // configparser does not strip inline comments: the comment becomes part of the value.
        let file = Fixture(config: "[default]\nregion = us-east-1 ; main\n")
        let fileError = expectError(.regionInvalid) { _ = try file.resolver().region() }
        expectInOrder(
            fileError?.message, ["\"us-east-1 ; main\" from region in /home/u/.aws/config [default] (line 2)", "comment after a value"])
    }

    @Test(arguments: ["us-east-1", "cn-northwest-1", "us-gov-west-1", "us-isob-east-1", "local"])
    func validShapes(region: String) throws {
        #expect(try Fixture().resolver().region(override: region) == region)
    }

    @Test func regionWrittenAsABlockIsMalformed() {
        let fixture = Fixture(config: "[default]\nregion =\n  name = us-east-1\n")
        let error = expectError(.configFileMalformed) { _ = try fixture.resolver().region() }
        expectInOrder(error?.message, ["region in /home/u/.aws/config [default] (line 2) is an indented block"])
    }
}

@Suite struct EndpointTests {
    let config = """
        [default]
        endpoint_url = http://profile-global:4566
        services = local

        [services local]
        rds =
          endpoint_url = http://services-rds:4566
        secrets_manager =
          endpoint_url = http://services-secrets:4566
        """

    @Test func serviceVariableWinsOverEverything() throws {
        let fixture = Fixture(
            environment: [
                "AWS_ENDPOINT_URL_RDS": "http://env-rds:4566", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://env-secrets:4566",
                "AWS_ENDPOINT_URL": "http://env-global:4566",
            ], config: config)
        #expect(try fixture.resolver().endpointURL(serviceId: "RDS") == "http://env-rds:4566")
        #expect(try fixture.resolver().endpointURL(serviceId: "Secrets Manager") == "http://env-secrets:4566")
    }

    @Test func globalVariableWinsOverTheFiles() throws {
        let fixture = Fixture(environment: ["AWS_ENDPOINT_URL": "http://env-global:4566"], config: config)
        #expect(try fixture.resolver().endpointURL(serviceId: "RDS") == "http://env-global:4566")
    }

    @Test func servicesSectionWinsOverTheProfileEndpoint() throws {
        let fixture = Fixture(config: config)
        #expect(try fixture.resolver().endpointURL(serviceId: "RDS") == "http://services-rds:4566")
        #expect(try fixture.resolver().endpointURL(serviceId: "Secrets Manager") == "http://services-secrets:4566")
        #expect(try fixture.resolver().endpointURL(serviceId: "EC2") == "http://profile-global:4566")
    }

    @Test func servicesSectionKeyIsTheSnakeCaseServiceId() throws {
        // "secretsmanager" (the client name) is not the key botocore looks for.
        let fixture = Fixture(config: "[default]\nservices = s\n[services s]\nsecretsmanager =\n  endpoint_url = http://wrong:1\n")
        #expect(try fixture.resolver().endpointURL(serviceId: "Secrets Manager") == nil)
    }

    @Test func nothingConfiguredIsNil() throws {
        #expect(try Fixture().resolver().endpointURL(serviceId: "RDS") == nil)
        #expect(try Fixture(config: "[default]\nregion = us-east-1\n").resolver().endpointURL(serviceId: "RDS") == nil)
    }

    @Test func namedProfileEndpoint() throws {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "local"],
            config: "[default]\nendpoint_url = http://a:1\n[profile local]\nendpoint_url = http://b:2\n")
        #expect(try fixture.resolver().endpointURL(serviceId: "RDS") == "http://b:2")
    }

    @Test func ignoreFlagInTheEnvironment() throws {
        let fixture = Fixture(
            environment: ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE", "AWS_ENDPOINT_URL_RDS": "http://env-rds:4566"], config: config)
        #expect(try fixture.resolver().endpointURL(serviceId: "RDS") == nil)
    }

    @Test func ignoreFlagInTheProfileAndTheEnvironmentOverridingIt() throws {
        let notFlagged = Fixture(
            environment: ["AWS_ENDPOINT_URL": "http://env-global:4566"],
            config: "[default]\nignore_configured_endpoint_urls = false\nendpoint_url = http://a:1\n")
        #expect(try notFlagged.resolver().endpointURL(serviceId: "RDS") == "http://env-global:4566")
        let flagged = Fixture(
            environment: ["AWS_ENDPOINT_URL": "http://env-global:4566"],
            config: "[default]\nignore_configured_endpoint_urls = true\nendpoint_url = http://a:1\n")
        #expect(try flagged.resolver().endpointURL(serviceId: "RDS") == nil)
        var overridden = flagged
        overridden.environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "false"
        #expect(try overridden.resolver().endpointURL(serviceId: "RDS") == "http://env-global:4566")
    }

    @Test func missingServicesSection() throws {
        let fixture = Fixture(config: "[default]\nservices = locl\n\n[services local]\nrds =\n  endpoint_url = http://x:1\n")
        let error = expectError(.servicesNotFound) { _ = try fixture.resolver().endpointURL(serviceId: "RDS") }
        expectInOrder(error?.message, ["services in /home/u/.aws/config [default] (line 2)", "\"locl\"", "no [services locl] section"])
        // Not consulted when an environment variable answers first.
        var answered = fixture
        answered.environment["AWS_ENDPOINT_URL"] = "http://env:1"
        #expect(try answered.resolver().endpointURL(serviceId: "RDS") == "http://env:1")
    }

    @Test func servicesEntryMustBeABlock() {
        let fixture = Fixture(config: "[default]\nservices = s\n[services s]\nrds = http://x:1\n")
        let error = expectError(.configFileMalformed) { _ = try fixture.resolver().endpointURL(serviceId: "RDS") }
        expectInOrder(error?.message, ["rds in /home/u/.aws/config [services s] (line 4) must be an indented block"])
    }

    @Test(arguments: [
        ("ftp://example.com", "must start with http:// or https://"), ("localhost:4566", "must start with http://"),
        ("http://", "has no host"), ("https://:443", "has no host"), ("http://host:99999", "port"), ("http://host:abc", "port"),
        ("http://bad_host", "not a valid host name"), ("http://exa mple.com", "whitespace"), ("http://[::1", "no closing"),
    ])
    func invalidEndpoint(url: String, reason: String) {
        let fixture = Fixture(environment: ["AWS_ENDPOINT_URL_RDS": url])
        let error = expectError(.endpointInvalid) { _ = try fixture.resolver().endpointURL(serviceId: "RDS") }
        expectInOrder(error?.message, ["endpoint URL \"\(url)\" from AWS_ENDPOINT_URL_RDS is not valid", reason])
    }

    @Test func invalidEndpointInAFileNamesFileAndLine() {
        let fixture = Fixture(config: "[default]\n\n# local stack\nendpoint_url = localhost:4566\n")
        let error = expectError(.endpointInvalid) { _ = try fixture.resolver().endpointURL(serviceId: "RDS") }
        expectInOrder(error?.message, ["\"localhost:4566\" from endpoint_url in /home/u/.aws/config [default] (line 4)"])
        let services = Fixture(config: "[default]\nservices = s\n[services s]\nrds =\n  endpoint_url = moto:5000\n")
        let servicesError = expectError(.endpointInvalid) { _ = try services.resolver().endpointURL(serviceId: "RDS") }
        expectInOrder(servicesError?.message, ["from endpoint_url under rds in /home/u/.aws/config [services s] (line 4)"])
    }

    @Test func userInfoIsRejectedWithoutShowingIt() {
        let fixture = Fixture(environment: ["AWS_ENDPOINT_URL": "https://admin:\(canary)@example.com"])
        let error = expectError(.endpointInvalid) { _ = try fixture.resolver().endpointURL(serviceId: "RDS") }
        expectInOrder(error?.message, ["from AWS_ENDPOINT_URL", "user name or password"])
    }

    @Test(arguments: [
        "http://localhost:4566", "https://rds.us-east-1.amazonaws.com", "HTTP://Moto:5000/", "https://[::1]:8443/path?x=1",
        "http://127.0.0.1", "https://vpce-1a2b.rds.us-east-1.vpce.amazonaws.com",
    ])
    func validEndpoint(url: String) throws {
        #expect(try Fixture(environment: ["AWS_ENDPOINT_URL": url]).resolver().endpointURL(serviceId: "RDS") == url)
    }

    @Test func defaultEndpoints() {
        #expect(
            AWSConfigurationResolver.defaultEndpoint(endpointPrefix: "rds", region: "us-east-1") == "https://rds.us-east-1.amazonaws.com")
        #expect(
            AWSConfigurationResolver.defaultEndpoint(endpointPrefix: "secretsmanager", region: "cn-north-1")
                == "https://secretsmanager.cn-north-1.amazonaws.com.cn")
        #expect(
            AWSConfigurationResolver.defaultEndpoint(endpointPrefix: "rds", region: "us-gov-west-1")
                == "https://rds.us-gov-west-1.amazonaws.com")
        #expect(
            AWSConfigurationResolver.defaultEndpoint(endpointPrefix: "rds", region: "us-iso-east-1")
                == "https://rds.us-iso-east-1.c2s.ic.gov")
    }
}
