import AWSConfiguration
import AWSSigning
import Testing

@Suite struct ProfileSelectionTests {
    @Test func defaultProfileWhenNothingNamesOne() {
        let resolver = Fixture().resolver()
        #expect(resolver.profileName == "default")
        #expect(resolver.profileNameSource == nil)
    }

    @Test func awsProfileSelects() {
        let resolver = Fixture(environment: ["AWS_PROFILE": "prod"]).resolver()
        #expect(resolver.profileName == "prod")
        #expect(resolver.profileNameSource == "AWS_PROFILE")
    }

    @Test func awsDefaultProfileWinsOverAWSProfileAsInBotocore() {
        let resolver = Fixture(environment: ["AWS_PROFILE": "prod", "AWS_DEFAULT_PROFILE": "legacy"]).resolver()
        #expect(resolver.profileName == "legacy")
        #expect(resolver.profileNameSource == "AWS_DEFAULT_PROFILE")
    }

    @Test func explicitProfileWinsOverEnvironment() {
        let resolver = Fixture(environment: ["AWS_PROFILE": "prod", "AWS_DEFAULT_PROFILE": "legacy"]).resolver(profile: "ops")
        #expect(resolver.profileName == "ops")
        #expect(resolver.profileNameSource == "--profile")
    }

    @Test func emptyVariablesAndParameterCountAsUnset() {
        let resolver = Fixture(environment: ["AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": ""]).resolver(profile: "")
        #expect(resolver.profileName == "default")
        #expect(resolver.profileNameSource == nil)
    }
}

@Suite struct EnvironmentCredentialsTests {
    let files = (credentials: "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n", config: "[default]\n")

    @Test func environmentKeysWinOverTheFiles() throws {
        let fixture = Fixture(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": canary], credentials: files.credentials,
            config: files.config)
        let resolved = try fixture.resolver().credentials()
        #expect(resolved.credentials == AWSCredentials(accessKeyId: "AKIDENV", secretAccessKey: canary))
        #expect(resolved.source == "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    }

    @Test func sessionToken() throws {
        let fixture = Fixture(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "tok"])
        let resolved = try fixture.resolver().credentials()
        #expect(resolved.credentials.sessionToken == "tok")
        #expect(resolved.source == "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN)")
    }

    @Test func legacySecurityTokenIsUsedAndPreferredAsInBotocore() throws {
        let legacyOnly = Fixture(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SECURITY_TOKEN": "old"])
        #expect(try legacyOnly.resolver().credentials().credentials.sessionToken == "old")
        var both = legacyOnly
        both.environment["AWS_SESSION_TOKEN"] = "new"
        let resolved = try both.resolver().credentials()
        #expect(resolved.credentials.sessionToken == "old")
        #expect(resolved.source.hasSuffix("(with AWS_SECURITY_TOKEN)"))
    }

    @Test func accessKeyWithoutSecretNamesTheMissingVariable() {
        let fixture = Fixture(environment: ["AWS_ACCESS_KEY_ID": "AKID"], credentials: files.credentials)
        let error = expectError(.credentialsIncomplete) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"])
    }

    @Test func secretWithoutAccessKeyNamesTheMissingVariable() {
        let fixture = Fixture(environment: ["AWS_SECRET_ACCESS_KEY": canary], credentials: files.credentials)
        let error = expectError(.credentialsIncomplete) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"])
    }

    @Test func emptyVariablesAreUnsetAndTheFileIsUsed() throws {
        let fixture = Fixture(
            environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": ""], credentials: files.credentials)
        #expect(try fixture.resolver().credentials().credentials.accessKeyId == "AKIDFILE")
    }

    @Test func awsProfileDoesNotTurnOffEnvironmentKeys() throws {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "default", "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"],
            credentials: files.credentials)
        #expect(try fixture.resolver().credentials().credentials.accessKeyId == "AKIDENV")
    }

    @Test func explicitProfileSkipsEnvironmentKeysLikeTheCLIsProfileFlag() throws {
        let fixture = Fixture(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"], credentials: files.credentials)
        let resolved = try fixture.resolver(profile: "default").credentials()
        #expect(resolved.credentials.accessKeyId == "AKIDFILE")
        #expect(resolved.source == "\(credentialsPath), profile \"default\"")
        // Even a half-set pair is not an error then: the environment is not consulted.
        let partial = Fixture(environment: ["AWS_ACCESS_KEY_ID": "AKIDENV"], credentials: files.credentials)
        #expect(try partial.resolver(profile: "default").credentials().credentials.accessKeyId == "AKIDFILE")
    }
}

@Suite struct SharedFileCredentialsTests {
    @Test func credentialsFileDefaultProfile() throws {
        let fixture = Fixture(credentials: "[default]\naws_access_key_id = AKID\naws_secret_access_key = \(canary)\n")
        let resolved = try fixture.resolver().credentials()
        #expect(resolved.credentials == AWSCredentials(accessKeyId: "AKID", secretAccessKey: canary))
        #expect(resolved.source == "/home/u/.aws/credentials, profile \"default\"")
    }

    @Test func credentialsFileNamedProfile() throws {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod"],
            credentials: "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = a\n\n"
                + "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = b\n")
        let resolved = try fixture.resolver().credentials()
        #expect(resolved.credentials.accessKeyId == "AKIDPROD")
        #expect(resolved.source == "/home/u/.aws/credentials, profile \"prod\"")
    }

    @Test func credentialsFileWinsOverConfigFile() throws {
        let fixture = Fixture(
            credentials: "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = a\n",
            config: "[default]\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = b\n")
        #expect(try fixture.resolver().credentials().credentials.accessKeyId == "AKIDCREDS")
    }

    @Test func configFileProfileWhenTheCredentialsFileHasNone() throws {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod"],
            credentials: "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = a\n",
            config: "[profile prod]\nregion = eu-west-1\naws_access_key_id = AKIDPROD\naws_secret_access_key = b\naws_session_token = t\n")
        let resolved = try fixture.resolver().credentials()
        #expect(resolved.credentials == AWSCredentials(accessKeyId: "AKIDPROD", secretAccessKey: "b", sessionToken: "t"))
        #expect(resolved.source == "/home/u/.aws/config, profile \"prod\"")
    }

    @Test func configFileDefaultMayBeWrittenProfileDefault() throws {
        let fixture = Fixture(config: "[profile default]\naws_access_key_id = AKID\naws_secret_access_key = b\n")
        #expect(try fixture.resolver().credentials().credentials.accessKeyId == "AKID")
    }

    @Test func configFileSectionWithoutProfileWordIsNotAProfile() {
        let fixture = Fixture(environment: ["AWS_PROFILE": "prod"], config: "[prod]\naws_access_key_id = AKID\naws_secret_access_key = b\n")
        let error = expectError(.profileNotFound) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["has no [profile prod] section", "it has [prod]", "named [profile prod]"])
    }

    @Test func credentialsFileSectionWithProfileWordIsNotTheProfile() {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod"], credentials: "[profile prod]\naws_access_key_id = AKID\naws_secret_access_key = b\n")
        let error = expectError(.profileNotFound) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["has no [prod] section", "it has [profile prod]", "without \"profile \""])
    }

    @Test func fileSessionTokenAndLegacyNamePreferredAsInBotocore() throws {
        let session = Fixture(credentials: "[default]\naws_access_key_id = A\naws_secret_access_key = b\naws_session_token = new\n")
        #expect(try session.resolver().credentials().credentials.sessionToken == "new")
        let both = Fixture(
            credentials: "[default]\naws_access_key_id = A\naws_secret_access_key = b\naws_session_token = new\naws_security_token = old\n")
        #expect(try both.resolver().credentials().credentials.sessionToken == "old")
        let empty = Fixture(credentials: "[default]\naws_access_key_id = A\naws_secret_access_key = b\naws_session_token =\n")
        #expect(try empty.resolver().credentials().credentials.sessionToken == nil)
    }

    @Test func accessKeyWithoutSecretInAFile() {
        let fixture = Fixture(credentials: "[default]\n# keys\naws_access_key_id = AKID\n")
        let error = expectError(.credentialsIncomplete) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["aws_access_key_id in /home/u/.aws/credentials [default] (line 3)", "has no aws_secret_access_key"])
    }

    @Test func secretWithoutAccessKeyInAFile() {
        let fixture = Fixture(config: "[default]\naws_secret_access_key = \(canary)\n")
        let error = expectError(.credentialsIncomplete) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["aws_secret_access_key in /home/u/.aws/config [default] (line 2)", "has no aws_access_key_id"])
    }

    @Test func emptySecretInAFile() {
        let fixture = Fixture(credentials: "[default]\naws_access_key_id = AKID\naws_secret_access_key =\n")
        let error = expectError(.credentialsIncomplete) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["aws_secret_access_key in /home/u/.aws/credentials [default] (line 3) is empty"])
    }

    @Test func keyNamesAreCaseInsensitiveAsInConfigParser() throws {
        let fixture = Fixture(credentials: "[default]\nAWS_ACCESS_KEY_ID = AKID\nAws_Secret_Access_Key = b\n")
        #expect(try fixture.resolver().credentials().credentials.accessKeyId == "AKID")
    }

    @Test func sectionNamesAreCaseSensitive() {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod"], credentials: "[Prod]\naws_access_key_id = A\naws_secret_access_key = b\n")
        expectError(.profileNotFound) { _ = try fixture.resolver().credentials() }
    }

    @Test func filePathsFromTheEnvironmentWithTildeAndVariables() throws {
        var fixture = Fixture(environment: [
            "AWS_SHARED_CREDENTIALS_FILE": "~/creds/$STAGE.ini", "AWS_CONFIG_FILE": "${CONF_DIR}/aws-config", "STAGE": "prod",
            "CONF_DIR": "/etc/cairn",
        ])
        fixture.files["/home/u/creds/prod.ini"] = "[other]\n"
        fixture.files["/etc/cairn/aws-config"] = "[default]\naws_access_key_id = AKID\naws_secret_access_key = b\nregion = eu-west-3\n"
        // The default locations are ignored when the variables are set.
        fixture.files[credentialsPath] = "[default]\naws_access_key_id = AKIDDEFAULTPATH\naws_secret_access_key = b\n"
        let resolved = try fixture.resolver().credentials()
        #expect(resolved.credentials.accessKeyId == "AKID")
        #expect(resolved.source == "/etc/cairn/aws-config, profile \"default\"")
        #expect(try fixture.resolver().region() == "eu-west-3")
    }

    @Test func defaultSectionIsInheritedByEverySection() throws {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod"],
            credentials: "[DEFAULT]\naws_secret_access_key = shared\n\n[prod]\naws_access_key_id = AKID\n")
        #expect(try fixture.resolver().credentials().credentials == AWSCredentials(accessKeyId: "AKID", secretAccessKey: "shared"))
    }

    @Test func profileOnlyInTheCredentialsFileExistsForRegionToo() throws {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod"],
            credentials: "[prod]\naws_access_key_id = A\naws_secret_access_key = b\nregion = ap-south-1\n", config: "[default]\n")
        // botocore merges credentials-file sections into the profile, region included.
        #expect(try fixture.resolver().region() == "ap-south-1")
    }
}

@Suite struct UnsupportedSourceTests {
    @Test func assumeRoleProfile() {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "admin"],
            credentials: "[default]\naws_access_key_id = AKID\naws_secret_access_key = \(canary)\n",
            config: "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\n")
        let error = expectError(.credentialsUnsupportedSource) { _ = try fixture.resolver().credentials() }
        expectInOrder(
            error?.message,
            [
                "profile \"admin\" assumes an IAM role (role_arn in /home/u/.aws/config [profile admin] (line 2))", "does not support",
                "aws configure export-credentials --profile admin --format env",
            ])
    }

    @Test func roleArnWinsOverStaticKeysOfTheSameProfileAsInBotocore() {
        let fixture = Fixture(
            credentials: "[default]\naws_access_key_id = AKID\naws_secret_access_key = b\n",
            config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\n")
        expectError(.credentialsUnsupportedSource) { _ = try fixture.resolver().credentials() }
    }

    @Test func environmentKeysWinOverAnAssumeRoleProfile() throws {
        let fixture = Fixture(
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "s"],
            config: "[default]\nrole_arn = arn:aws:iam::123456789012:role/Admin\ncredential_source = Environment\n")
        #expect(try fixture.resolver().credentials().credentials.accessKeyId == "AKIDENV")
    }

    @Test func credentialProcessComesAfterTheCredentialsFileButBeforeTheConfigFile() throws {
        let config = "[default]\ncredential_process = /usr/bin/get-creds\naws_access_key_id = AKIDCONFIG\naws_secret_access_key = b\n"
        let withCredentialsFile = Fixture(
            credentials: "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = a\n", config: config)
        #expect(try withCredentialsFile.resolver().credentials().credentials.accessKeyId == "AKIDCREDS")
        let error = expectError(.credentialsUnsupportedSource) { _ = try Fixture(config: config).resolver().credentials() }
        expectInOrder(error?.message, ["external program (credential_process in /home/u/.aws/config [default] (line 2))"])
    }

    @Test(arguments: [
        "sso_account_id = 123456789012", "sso_role_name = Admin", "sso_session = corp", "sso_start_url = https://x.awsapps.com/start",
    ])
    func singleSignOn(setting: String) {
        let fixture = Fixture(environment: ["AWS_PROFILE": "dev"], config: "[profile dev]\n\(setting)\n")
        let error = expectError(.credentialsUnsupportedSource) { _ = try fixture.resolver().credentials() }
        expectInOrder(error?.message, ["IAM Identity Center (SSO)", "--profile dev"])
    }

    @Test func ssoAccountIdWinsOverStaticKeysButSsoSessionAloneDoesNot() throws {
        let keys = "[dev]\naws_access_key_id = AKID\naws_secret_access_key = b\n"
        let account = Fixture(environment: ["AWS_PROFILE": "dev"], credentials: keys, config: "[profile dev]\nsso_account_id = 1\n")
        expectError(.credentialsUnsupportedSource) { _ = try account.resolver().credentials() }
        let session = Fixture(environment: ["AWS_PROFILE": "dev"], credentials: keys, config: "[profile dev]\nsso_session = corp\n")
        #expect(try session.resolver().credentials().credentials.accessKeyId == "AKID")
    }

    @Test func webIdentity() {
        let variable = Fixture(environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"])
        let error = expectError(.credentialsUnsupportedSource) { _ = try variable.resolver().credentials() }
        expectInOrder(error?.message, ["AWS_WEB_IDENTITY_TOKEN_FILE is set", "export-credentials --format env"])
        let profile = Fixture(config: "[default]\nweb_identity_token_file = /t\nrole_arn = arn:aws:iam::1:role/r\n")
        let profileError = expectError(.credentialsUnsupportedSource) { _ = try profile.resolver().credentials() }
        expectInOrder(
            profileError?.message, ["web identity federation (web_identity_token_file in /home/u/.aws/config [default] (line 2))"])
    }

    @Test func webIdentityVariableComesBeforeTheCredentialsFileUnlessAProfileIsExplicit() throws {
        let fixture = Fixture(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"],
            credentials: "[default]\naws_access_key_id = AKID\naws_secret_access_key = b\n")
        expectError(.credentialsUnsupportedSource) { _ = try fixture.resolver().credentials() }
        #expect(try fixture.resolver(profile: "default").credentials().credentials.accessKeyId == "AKID")
    }

    @Test(arguments: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"])
    func containerCredentialsOnlyWhenNoKeysAreFound(variable: String) throws {
        let bare = Fixture(environment: [variable: "/v2/credentials/x"])
        let error = expectError(.credentialsUnsupportedSource) { _ = try bare.resolver().credentials() }
        expectInOrder(error?.message, ["\(variable) is set"])
        let withKeys = Fixture(
            environment: [variable: "/v2/credentials/x"], config: "[default]\naws_access_key_id = AKID\naws_secret_access_key = b\n")
        #expect(try withKeys.resolver().credentials().credentials.accessKeyId == "AKID")
    }

    @Test func explicitProfileAdviceSaysToDropTheFlag() {
        let fixture = Fixture(config: "[profile admin]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = admin\n")
        let error = expectError(.credentialsUnsupportedSource) { _ = try fixture.resolver(profile: "admin").credentials() }
        expectInOrder(error?.message, ["--profile admin", "run Cairn without --profile"])
    }
}

@Suite struct CredentialsNotFoundTests {
    @Test func nothingAnywhereNamesEveryPlaceInOrder() {
        let error = expectError(.credentialsNotFound) { _ = try Fixture().resolver().credentials() }
        expectInOrder(
            error?.message,
            [
                "profile \"default\"", "1. environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: not set",
                "2. the shared credentials file /home/u/.aws/credentials does not exist",
                "3. the config file /home/u/.aws/config does not exist", "EC2 instance metadata (IMDS)",
                "aws configure export-credentials --format env", "aws configure",
            ])
    }

    @Test func filesWithoutKeysSayWhatIsMissing() {
        let fixture = Fixture(credentials: "[other]\n", config: "[default]\nregion = us-east-1\n")
        let error = expectError(.credentialsNotFound) { _ = try fixture.resolver().credentials() }
        expectInOrder(
            error?.message,
            [
                "/home/u/.aws/credentials has no [default] section",
                "/home/u/.aws/config has no aws_access_key_id in [default]",
            ])
    }

    @Test func namedProfileAndOverriddenPaths() {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prod", "AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_CONFIG_FILE": "/k"],
            credentials: nil, config: nil)
        var withFiles = fixture
        withFiles.files["/c"] = "[prod]\nregion = us-east-1\n"
        withFiles.files["/k"] = "[profile prod]\n"
        let error = expectError(.credentialsNotFound) { _ = try withFiles.resolver().credentials() }
        expectInOrder(
            error?.message,
            [
                "profile \"prod\" (from AWS_PROFILE)", "/c (from AWS_SHARED_CREDENTIALS_FILE) has no aws_access_key_id in [prod]",
                "/k (from AWS_CONFIG_FILE) has no aws_access_key_id in [profile prod]", "--profile prod",
            ])
    }

    @Test func explicitProfileSaysTheEnvironmentWasNotUsed() {
        let fixture = Fixture(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": canary], config: "[profile ops]\n")
        let error = expectError(.credentialsNotFound) { _ = try fixture.resolver(profile: "ops").credentials() }
        expectInOrder(error?.message, ["not used, because --profile was given", "run without --profile"])
    }

    @Test func noHomeDirectory() {
        let sources = AWSConfigurationSources(environment: [:]) { _ in
            Issue.record("nothing should be read")
            return nil
        }
        let error = expectError(.credentialsNotFound) { _ = try AWSConfigurationResolver(sources: sources).credentials() }
        expectInOrder(error?.message, ["~/.aws/credentials cannot be located (no home directory: HOME is not set)"])
    }
}

@Suite struct ProfileNotFoundTests {
    @Test func namedProfileInNeitherFile() {
        let fixture = Fixture(
            environment: ["AWS_PROFILE": "prdo"], credentials: "[staging]\n[default]\n", config: "[profile prod]\n[default]\n[services s]\n"
        )
        let error = expectError(.profileNotFound) { _ = try fixture.resolver().credentials() }
        expectInOrder(
            error?.message,
            [
                "\"prdo\" (from AWS_PROFILE) does not exist", "/home/u/.aws/credentials has no [prdo] section",
                "/home/u/.aws/config has no [profile prdo] section", "Profiles defined: default, prod, staging.",
                "aws configure --profile prdo", "unset AWS_PROFILE",
            ])
    }

    @Test func missingFilesAreNamed() {
        let error = expectError(.profileNotFound) { _ = try Fixture().resolver(profile: "x").credentials() }
        expectInOrder(
            error?.message,
            [
                "(from --profile)", "/home/u/.aws/credentials does not exist", "/home/u/.aws/config does not exist",
                "No profiles are defined.",
            ])
    }

    @Test func explicitlyNamedDefaultMustExistButTheImplicitDefaultNeedNot() {
        let fixture = Fixture(credentials: "[prod]\n")
        expectError(.profileNotFound) { _ = try Fixture(environment: ["AWS_PROFILE": "default"]).resolver().region() }
        expectError(.credentialsNotFound) { _ = try fixture.resolver().credentials() }
        expectError(.regionMissing) { _ = try fixture.resolver().region() }
    }

    @Test func isReportedEvenWithEnvironmentCredentialsAndRegion() {
        let fixture = Fixture(environment: [
            "AWS_PROFILE": "nope", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": canary, "AWS_REGION": "us-east-1",
        ])
        expectError(.profileNotFound) { _ = try fixture.resolver().credentials() }
        expectError(.profileNotFound) { _ = try fixture.resolver().region() }
        expectError(.profileNotFound) { _ = try fixture.resolver().endpointURL(serviceId: "RDS") }
    }
}
