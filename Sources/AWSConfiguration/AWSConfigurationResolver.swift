public import AWSSigning

/// Credentials and, for messages, where they were found (never the secret values).
public struct ResolvedCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key pair and session token.
    public var credentials: AWSCredentials
    /// Where they came from, e.g. `/home/u/.aws/credentials, profile "prod"`.
    public var source: String

    /// Makes a value.
    public init(credentials: AWSCredentials, source: String) {
        self.credentials = credentials
        self.source = source
    }

    /// The access key id and the source; the secrets are redacted.
    public var description: String { "\(credentials) from \(source)" }
}

/// Finds credentials, region and endpoint URLs where the AWS CLI and botocore look, for one profile.
///
/// Every method reads the shared files afresh through ``AWSConfigurationSources/readFile``, so a
/// resolver has no state beyond its inputs. A malformed shared file, or a named profile that neither
/// file defines, is an error from every method, as it is for the AWS CLI.
public struct AWSConfigurationResolver: Sendable {
    /// The environment, home directory and file reader everything is resolved from.
    public let sources: AWSConfigurationSources
    /// The selected profile: the explicit one, else `AWS_DEFAULT_PROFILE`, else `AWS_PROFILE`, else `default`.
    public let profileName: String
    /// What chose the profile (`--profile`, `AWS_DEFAULT_PROFILE` or `AWS_PROFILE`), or nil for `default` by default.
    public let profileNameSource: String?

    /// Makes a resolver; `profile` is an explicitly named profile (the `--profile` flag).
    ///
    /// As with the AWS CLI's `--profile`, an explicit profile also turns off credentials from
    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` (and `AWS_WEB_IDENTITY_TOKEN_FILE`); `AWS_PROFILE` does not.
    public init(sources: AWSConfigurationSources, profile: String? = nil) {
        self.sources = sources
        if let profile, !profile.isEmpty {
            (profileName, profileNameSource) = (profile, "--profile")
        } else if let name = sources.environment.nonEmpty("AWS_DEFAULT_PROFILE") {
            (profileName, profileNameSource) = (name, "AWS_DEFAULT_PROFILE")
        } else if let name = sources.environment.nonEmpty("AWS_PROFILE") {
            (profileName, profileNameSource) = (name, "AWS_PROFILE")
        } else {
            (profileName, profileNameSource) = ("default", nil)
        }
    }

    private var isExplicitProfile: Bool { profileNameSource == "--profile" }
    private var environment: [String: String] { sources.environment }

    // MARK: Credentials

    /// The credentials of the first source that has them: environment, then the profile in the shared files.
    public func credentials() throws(AWSConfigurationError) -> ResolvedCredentials {
        let files = try loadFiles()
        // botocore's chain: env, assume role, web identity, SSO, credentials file, credential_process,
        // config file, (EC2/boto2 legacy files), container, instance metadata.
        if !isExplicitProfile, let found = try environmentCredentials() { return found }
        if let roleArn = files.setting("role_arn", profile: profileName),
            files.setting("web_identity_token_file", profile: profileName) == nil
        {
            throw unsupported("profile \"\(profileName)\" assumes an IAM role (\(roleArn.origin("role_arn")))", exportsProfile: true)
        }
        if !isExplicitProfile, environment.nonEmpty("AWS_WEB_IDENTITY_TOKEN_FILE") != nil {
            throw unsupported("AWS_WEB_IDENTITY_TOKEN_FILE is set (web identity federation, as on EKS)", exportsProfile: false)
        }
        if let tokenFile = files.setting("web_identity_token_file", profile: profileName) {
            throw unsupported(
                "profile \"\(profileName)\" uses web identity federation (\(tokenFile.origin("web_identity_token_file")))",
                exportsProfile: true)
        }
        for key in ["sso_account_id", "sso_role_name"] {
            if let sso = files.setting(key, profile: profileName) {
                throw unsupported("profile \"\(profileName)\" uses IAM Identity Center (SSO) (\(sso.origin(key)))", exportsProfile: true)
            }
        }
        if let found = try fileCredentials(files.credentialsSetting, file: files.credentials) { return found }
        if let process = files.setting("credential_process", profile: profileName) {
            throw unsupported(
                "profile \"\(profileName)\" gets credentials from an external program (\(process.origin("credential_process")))",
                exportsProfile: true)
        }
        if let found = try fileCredentials(files.configSetting, file: files.config) { return found }
        for variable in ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        where environment.nonEmpty(variable) != nil {
            throw unsupported("\(variable) is set (container credentials, as on ECS)", exportsProfile: false)
        }
        // Not a credential source for botocore without sso_account_id, but surely meant as one.
        for key in ["sso_session", "sso_start_url"] {
            if let sso = files.setting(key, profile: profileName) {
                throw unsupported(
                    "profile \"\(profileName)\" is set up for IAM Identity Center (SSO) (\(sso.origin(key)))", exportsProfile: true)
            }
        }
        throw credentialsNotFound(files)
    }

    private func environmentCredentials() throws(AWSConfigurationError) -> ResolvedCredentials? {
        let accessKey = environment.nonEmpty("AWS_ACCESS_KEY_ID")
        let secretKey = environment.nonEmpty("AWS_SECRET_ACCESS_KEY")
        switch (accessKey, secretKey) {
        case (nil, nil):
            return nil
        case (.some, nil), (nil, .some):
            let (set, missing) =
                accessKey == nil ? ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID") : ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
            throw AWSConfigurationError(
                code: .credentialsIncomplete,
                message: "\(set) is set but \(missing) is not (or is empty). Set both, or unset \(set) to use the shared credentials files."
            )
        case (.some(let accessKey), .some(let secretKey)):
            // botocore prefers the legacy name when both are set.
            let tokenVariable = ["AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN"].first { environment.nonEmpty($0) != nil }
            let token = tokenVariable.flatMap { environment.nonEmpty($0) }
            return ResolvedCredentials(
                credentials: AWSCredentials(accessKeyId: accessKey, secretAccessKey: secretKey, sessionToken: token),
                source: "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" + (tokenVariable.map { " (with \($0))" } ?? ""))
        }
    }

    private func fileCredentials(
        _ lookup: (String, String) -> ProfileSetting?, file: LoadedSharedFile
    ) throws(AWSConfigurationError) -> ResolvedCredentials? {
        let accessKey = lookup("aws_access_key_id", profileName)
        let secretKey = lookup("aws_secret_access_key", profileName)
        guard accessKey != nil || secretKey != nil else { return nil }
        guard let accessKey, let secretKey else {
            let (present, missing) =
                accessKey == nil ? ("aws_secret_access_key", "aws_access_key_id") : ("aws_access_key_id", "aws_secret_access_key")
            let setting = accessKey ?? secretKey
            throw AWSConfigurationError(
                code: .credentialsIncomplete,
                message: "\(setting.map { $0.origin(present) } ?? present) has no \(missing) beside it. "
                    + "Add \(missing) to [\(setting?.section ?? profileName)], or remove \(present).")
        }
        let accessKeyId = try Self.singleValue(accessKey, key: "aws_access_key_id")
        let secret = try Self.singleValue(secretKey, key: "aws_secret_access_key")
        for (value, key, setting) in [(accessKeyId, "aws_access_key_id", accessKey), (secret, "aws_secret_access_key", secretKey)]
        where value.isEmpty {
            throw AWSConfigurationError(code: .credentialsIncomplete, message: "\(setting.origin(key)) is empty. Write the key after '='.")
        }
        var token: String?
        for key in ["aws_security_token", "aws_session_token"] {
            if let setting = lookup(key, profileName) {
                token = try Self.singleValue(setting, key: key)
                break
            }
        }
        return ResolvedCredentials(
            credentials: AWSCredentials(
                accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil),
            source: "\(file.location.path), profile \"\(profileName)\"")
    }

    // MARK: Region

    /// The region: `override` (the `--region` flag), else `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`.
    public func region(override: String? = nil) throws(AWSConfigurationError) -> String {
        let files = try loadFiles()
        var found: (value: String, origin: String)?
        if let override, !override.isEmpty {
            found = (override, "--region")
        } else if let value = environment.nonEmpty("AWS_REGION") {
            found = (value, "AWS_REGION")
        } else if let value = environment.nonEmpty("AWS_DEFAULT_REGION") {
            found = (value, "AWS_DEFAULT_REGION")
        } else if let setting = files.setting("region", profile: profileName) {
            let value = try Self.singleValue(setting, key: "region")
            if !value.isEmpty { found = (value, setting.origin("region")) }
        }
        guard let found else { throw regionMissing(files) }
        guard Self.isRegionShaped(found.value) else {
            throw AWSConfigurationError(
                code: .regionInvalid,
                message: "region \"\(found.value)\" from \(found.origin) is not a region name: region names are lowercase letters, "
                    + "digits and hyphens, like us-east-1 or eu-west-2."
                    + (found.value.contains("#") || found.value.contains(";")
                        ? " The shared files do not allow a comment after a value: put it on a line of its own." : ""))
        }
        return found.value
    }

    static func isRegionShaped(_ region: String) -> Bool {
        guard let first = region.first, let last = region.last, first != "-", last != "-", region.count <= 64 else { return false }
        return region.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }

    // MARK: Endpoints

    /// The configured endpoint URL for a service, or nil to use the default (``defaultEndpoint(endpointPrefix:region:)``).
    ///
    /// `serviceId` is the service's id as in botocore's models (`RDS`, `Secrets Manager`). Looks at
    /// `AWS_ENDPOINT_URL_<ID>`, `AWS_ENDPOINT_URL`, the profile's `[services NAME]` section, then the
    /// profile's `endpoint_url`, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` or the profile's
    /// `ignore_configured_endpoint_urls` is `true`.
    public func endpointURL(serviceId: String) throws(AWSConfigurationError) -> String? {
        let files = try loadFiles()
        if try ignoresConfiguredEndpoints(files) { return nil }
        let key = Self.serviceKey(serviceId)
        let variable = "AWS_ENDPOINT_URL_" + key.uppercased()
        if let url = environment.nonEmpty(variable) { return try Self.validated(url, origin: variable) }
        if let url = environment.nonEmpty("AWS_ENDPOINT_URL") { return try Self.validated(url, origin: "AWS_ENDPOINT_URL") }
        if let (url, origin) = try servicesSectionEndpoint(files, key: key) { return try Self.validated(url, origin: origin) }
        if let setting = files.setting("endpoint_url", profile: profileName) {
            let url = try Self.singleValue(setting, key: "endpoint_url")
            if !url.isEmpty { return try Self.validated(url, origin: setting.origin("endpoint_url")) }
        }
        return nil
    }

    /// `https://<prefix>.<region>.<partition DNS suffix>`: `amazonaws.com`, or `amazonaws.com.cn` for China regions.
    public static func defaultEndpoint(endpointPrefix: String, region: String) -> String {
        let suffix: String
        if region.hasPrefix("cn-") {
            suffix = "amazonaws.com.cn"
        } else if region.hasPrefix("us-isob-") {
            suffix = "sc2s.sgov.gov"
        } else if region.hasPrefix("us-isof-") {
            suffix = "csp.hci.ic.gov"
        } else if region.hasPrefix("eu-isoe-") {
            suffix = "cloud.adc-e.uk"
        } else if region.hasPrefix("us-iso-") {
            suffix = "c2s.ic.gov"
        } else {
            suffix = "amazonaws.com"
        }
        return "https://\(endpointPrefix).\(region).\(suffix)"
    }

    /// The service id in snake case (`Secrets Manager` -> `secrets_manager`), the key of `[services]` sections.
    static func serviceKey(_ serviceId: String) -> String {
        String(serviceId.lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }

    private func ignoresConfiguredEndpoints(_ files: SharedFiles) throws(AWSConfigurationError) -> Bool {
        if let value = environment.nonEmpty("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") { return value.lowercased() == "true" }
        guard let setting = files.setting("ignore_configured_endpoint_urls", profile: profileName) else { return false }
        return try Self.singleValue(setting, key: "ignore_configured_endpoint_urls").lowercased() == "true"
    }

    private func servicesSectionEndpoint(_ files: SharedFiles, key: String) throws(AWSConfigurationError) -> (String, String)? {
        guard let setting = files.setting("services", profile: profileName) else { return nil }
        let name = try Self.singleValue(setting, key: "services")
        guard let section = files.services[name], !section.entries.isEmpty else {
            throw AWSConfigurationError(
                code: .servicesNotFound,
                message: "\(setting.origin("services")) names the services section \"\(name)\", but \(files.config.location.display) "
                    + "has no [services \(name)] section with settings. Add one, for example [services \(name)] with "
                    + "\"\(key) =\" and an indented \"endpoint_url = http://localhost:4566\" below it, or remove the services setting.")
        }
        guard let entry = section.entries[key] else { return nil }
        let origin = "\(key) in \(files.config.location.path) [\(section.name)] (line \(entry.line))"
        guard case .subsection(let settings) = entry.value else {
            throw AWSConfigurationError(
                code: .configFileMalformed,
                message: "\(origin) must be an indented block: write \"\(key) =\" and below it, indented, "
                    + "\"endpoint_url = https://...\".")
        }
        guard let url = settings["endpoint_url"], !url.isEmpty else { return nil }
        return (url, "endpoint_url under " + origin)
    }

    /// The URL if it is http(s) with a host; otherwise an error naming its origin.
    static func validated(_ url: String, origin: String) throws(AWSConfigurationError) -> String {
        guard let problem = endpointProblem(url) else { return url }
        let shown = problem.hidesValue ? "the endpoint URL" : "endpoint URL \"\(url)\""
        throw AWSConfigurationError(
            code: .endpointInvalid,
            message: "\(shown) from \(origin) is not valid: \(problem.reason). Use a URL like http://localhost:4566 "
                + "or https://vpce-0123.rds.us-east-1.vpce.amazonaws.com.")
    }

    /// What is wrong with an endpoint URL, if anything.
    static func endpointProblem(_ url: String) -> (reason: String, hidesValue: Bool)? {
        guard !url.contains(where: { $0.isWhitespace || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }) else {
            return ("it contains whitespace or control characters", false)
        }
        let lowered = url.lowercased()
        guard let schemeEnd = ["https://", "http://"].first(where: { lowered.hasPrefix($0) })?.count else {
            return ("it must start with http:// or https://", false)
        }
        let rest = url.dropFirst(schemeEnd)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") { return ("it must not contain a user name or password (the value is not shown)", true) }
        var host = authority[...]
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return ("its IPv6 host has no closing ']'", false) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return ("unexpected text after its IPv6 host", false) }
                port = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return ("its IPv6 host is not an address", false)
            }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                port = authority[authority.index(after: colon)...]
            }
            guard !host.isEmpty else { return ("it has no host", false) }
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            let labelsValid = labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
            guard labelsValid else { return ("its host \"\(host)\" is not a valid host name", false) }
        }
        if let port {
            guard let number = Int(port), port.allSatisfy(\.isASCII), (1...65535).contains(number) else {
                return ("its port must be a number from 1 to 65535", false)
            }
        }
        return nil
    }

    // MARK: Shared files and messages

    private func loadFiles() throws(AWSConfigurationError) -> SharedFiles {
        let files = try SharedFiles.load(sources)
        if let profileNameSource, !files.profileExists(profileName) {
            var message =
                "the AWS profile \"\(profileName)\" (from \(profileNameSource)) does not exist: "
                + "\(credentialsFileProfileState(files, key: nil)), and \(configFileProfileState(files, key: nil))."
            let others = files.profileNames
            message += others.isEmpty ? " No profiles are defined." : " Profiles defined: \(others.joined(separator: ", "))."
            message += " Create it with `aws configure --profile \(profileName)`, or name an existing profile"
            message += profileNameSource == "--profile" ? "." : " (or unset \(profileNameSource) to use \"default\")."
            throw AWSConfigurationError(code: .profileNotFound, message: message)
        }
        return files
    }

    /// The config file's section name for the profile: `default` or `profile NAME`.
    private var expectedConfigSection: String { profileName == "default" ? "default" : "profile \(profileName)" }

    /// What the credentials file holds for the profile, for messages.
    private func credentialsFileProfileState(_ files: SharedFiles, key: String?) -> String {
        let file = files.credentials
        let label = "the shared credentials file \(file.location.display)"
        guard file.exists else { return "\(label) \(file.missingReason)" }
        guard file.document.section(named: profileName) != nil else {
            var text = "\(label) has no [\(profileName)] section"
            if file.document.section(named: "profile \(profileName)") != nil {
                text += " (it has [profile \(profileName)], but credentials-file sections are named without \"profile \")"
            }
            return text
        }
        return key.map { "\(label) has no \($0) in [\(profileName)]" } ?? "\(label) has [\(profileName)]"
    }

    /// What the config file holds for the profile, for messages.
    private func configFileProfileState(_ files: SharedFiles, key: String?) -> String {
        let file = files.config
        let label = "the config file \(file.location.display)"
        guard file.exists else { return "\(label) \(file.missingReason)" }
        guard let section = files.configProfiles[profileName] else {
            var text = "\(label) has no [\(expectedConfigSection)] section"
            if profileName != "default", file.document.section(named: profileName) != nil {
                text += " (it has [\(profileName)], but config-file profiles other than default are named [profile \(profileName)])"
            }
            return text
        }
        return key.map { "\(label) has no \($0) in [\(section.name)]" } ?? "\(label) has [\(section.name)]"
    }

    private func credentialsNotFound(_ files: SharedFiles) -> AWSConfigurationError {
        let environmentState =
            isExplicitProfile
            ? "not used, because --profile was given (as with the AWS CLI)"
            : "not set"
        let places = [
            "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: \(environmentState)",
            credentialsFileProfileState(files, key: "aws_access_key_id"),
            configFileProfileState(files, key: "aws_access_key_id"),
        ]
        let profileText = profileNameSource.map { "profile \"\(profileName)\" (from \($0))" } ?? "profile \"default\""
        return AWSConfigurationError(
            code: .credentialsNotFound,
            message: "no AWS credentials found for \(profileText). Looked in, in order:\n"
                + places.enumerated().map { "  \($0.offset + 1). \($0.element)\n" }.joined()
                + "Cairn does not use container credentials or EC2 instance metadata (IMDS). To fix: "
                + (isExplicitProfile ? "run without --profile and " : "")
                + "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials), for example with "
                + "eval \"$(aws configure export-credentials\(profileFlag) --format env)\"; or run `aws configure\(profileFlag)` "
                + "to store access keys in the credentials file.")
    }

    private func regionMissing(_ files: SharedFiles) -> AWSConfigurationError {
        let profileFiles =
            "region in profile \"\(profileName)\" (\(configFileProfileState(files, key: "region")); "
            + "\(credentialsFileProfileState(files, key: "region")))"
        return AWSConfigurationError(
            code: .regionMissing,
            message: "no AWS region is set. Looked at --region, AWS_REGION, AWS_DEFAULT_REGION and \(profileFiles). "
                + "Pass --region REGION, export AWS_REGION=REGION, or run `aws configure set region REGION\(profileFlag)` "
                + "(REGION like us-east-1).")
    }

    /// ` --profile NAME` for AWS CLI commands, or nothing for the default profile.
    private var profileFlag: String { profileName == "default" ? "" : " --profile \(profileName)" }

    private func unsupported(_ what: String, exportsProfile: Bool) -> AWSConfigurationError {
        let flag = exportsProfile ? profileFlag : ""
        return AWSConfigurationError(
            code: .credentialsUnsupportedSource,
            message: "\(what); Cairn does not support this way of getting credentials and signs only with access keys. "
                + "Have the AWS CLI resolve them and export the temporary keys: "
                + "eval \"$(aws configure export-credentials\(flag) --format env)\" "
                + "(sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; repeat when they expire)"
                + (isExplicitProfile ? ", and run Cairn without --profile" : "") + ".")
    }

    /// The setting's text; an indented block where one value belongs is an error.
    static func singleValue(_ setting: ProfileSetting, key: String) throws(AWSConfigurationError) -> String {
        switch setting.value {
        case .string(let text):
            return text
        case .subsection:
            throw AWSConfigurationError(
                code: .configFileMalformed,
                message:
                    "\(setting.origin(key)) is an indented block, but it takes a single value; write it on one line as \"\(key) = VALUE\".")
        }
    }
}

extension Dictionary where Key == String, Value == String {
    /// The variable's value, or nil when it is unset or empty (empty counts as unset).
    func nonEmpty(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }
}
