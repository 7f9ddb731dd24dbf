// Loading ~/.aws/credentials and ~/.aws/config the way botocore does, and the profile view over them
// (botocore's `session.full_config`): config-file profiles from `[default]` and `[profile NAME]`,
// `[services NAME]` sections, and credentials-file sections `[NAME]` merged over the profile of the
// same name.

/// Where a shared file is and how that was decided.
struct SharedFileLocation: Sendable {
    /// The path after `$VAR` and `~` expansion.
    var path: String
    /// The environment variable that chose the path, or nil for the default.
    var variable: String?
    /// The path starts with `~` but the home directory is unknown, so there is nothing to read.
    var homeUnknown: Bool

    /// The path, with the variable that chose it.
    var display: String { variable.map { "\(path) (from \($0))" } ?? path }
}

/// One shared file, read and parsed (empty when it does not exist).
struct LoadedSharedFile: Sendable {
    var location: SharedFileLocation
    var exists: Bool
    var document: INIDocument

    /// "does not exist" and why, for messages.
    var missingReason: String {
        location.homeUnknown ? "cannot be located (no home directory: HOME is not set)" : "does not exist"
    }
}

/// A setting of the selected profile and where it was written.
struct ProfileSetting: Sendable {
    var value: INIValue
    /// The file's path.
    var file: String
    /// The section it was in, e.g. `profile prod`.
    var section: String
    /// The 1-based line of the setting.
    var line: Int

    /// `KEY in FILE [SECTION] (line N)`.
    func origin(_ key: String) -> String { "\(key) in \(file) [\(section)] (line \(line))" }
}

/// Both shared files and the profiles they define.
struct SharedFiles: Sendable {
    var credentials: LoadedSharedFile
    var config: LoadedSharedFile
    /// Config-file profiles by name (`[default]`, `[profile NAME]`); a later section of the same name wins.
    var configProfiles: [String: INISection]
    /// Config-file `[services NAME]` sections by name.
    var services: [String: INISection]

    static let credentialsFileVariable = "AWS_SHARED_CREDENTIALS_FILE"
    static let configFileVariable = "AWS_CONFIG_FILE"

    /// Reads and parses both files.
    static func load(_ sources: AWSConfigurationSources) throws(AWSConfigurationError) -> SharedFiles {
        let credentials = try loadFile(
            location(variable: credentialsFileVariable, defaultPath: "~/.aws/credentials", sources: sources), sources: sources)
        let config = try loadFile(location(variable: configFileVariable, defaultPath: "~/.aws/config", sources: sources), sources: sources)
        var profiles: [String: INISection] = [:]
        var services: [String: INISection] = [:]
        for section in config.document.sections {
            if section.name.hasPrefix("profile") {
                if let parts = shellSplit(section.name), parts.count == 2 { profiles[parts[1]] = section }
            } else if section.name.hasPrefix("sso-session") {
                continue
            } else if section.name.hasPrefix("services") {
                if let parts = shellSplit(section.name), parts.count == 2 { services[parts[1]] = section }
            } else if section.name == "default" {
                profiles["default"] = section
            }
        }
        return SharedFiles(credentials: credentials, config: config, configProfiles: profiles, services: services)
    }

    /// Whether either file defines the profile.
    func profileExists(_ name: String) -> Bool {
        configProfiles[name] != nil || credentials.document.section(named: name) != nil
    }

    /// Every profile name either file defines, sorted.
    var profileNames: [String] {
        Set(configProfiles.keys).union(credentials.document.sections.map(\.name)).sorted()
    }

    /// The profile's setting: the credentials file's `[NAME]` wins over the config file's profile, as in botocore.
    func setting(_ key: String, profile: String) -> ProfileSetting? {
        if let section = credentials.document.section(named: profile), let entry = section.entries[key] {
            return ProfileSetting(value: entry.value, file: credentials.location.path, section: section.name, line: entry.line)
        }
        return configSetting(key, profile: profile)
    }

    /// The setting from the config file's profile alone.
    func configSetting(_ key: String, profile: String) -> ProfileSetting? {
        guard let section = configProfiles[profile], let entry = section.entries[key] else { return nil }
        return ProfileSetting(value: entry.value, file: config.location.path, section: section.name, line: entry.line)
    }

    /// The setting from the credentials file's `[NAME]` section alone.
    func credentialsSetting(_ key: String, profile: String) -> ProfileSetting? {
        guard let section = credentials.document.section(named: profile), let entry = section.entries[key] else { return nil }
        return ProfileSetting(value: entry.value, file: credentials.location.path, section: section.name, line: entry.line)
    }

    // MARK: Locating and reading

    static func location(variable: String, defaultPath: String, sources: AWSConfigurationSources) -> SharedFileLocation {
        let configured = sources.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        let expanded = expandUser(expandVariables(configured ?? defaultPath, environment: sources.environment), home: sources.homeDirectory)
        return SharedFileLocation(
            path: expanded, variable: configured == nil ? nil : variable,
            homeUnknown: sources.homeDirectory == nil && isHomeRelative(expanded))
    }

    static func loadFile(_ location: SharedFileLocation, sources: AWSConfigurationSources) throws(AWSConfigurationError) -> LoadedSharedFile
    {
        if location.homeUnknown { return LoadedSharedFile(location: location, exists: false, document: INIDocument()) }
        let bytes: [UInt8]?
        do {
            bytes = try sources.readFile(location.path)
        } catch {
            throw AWSConfigurationError(
                code: .configFileUnreadable,
                message: "cannot read \(location.display): \(error). Fix its permissions"
                    + (location.variable.map { ", or point \($0) at a readable file" } ?? "") + ".",
                cause: error)
        }
        guard let bytes else { return LoadedSharedFile(location: location, exists: false, document: INIDocument()) }
        let text = try decode(bytes, location: location)
        do throws(INIParseError) {
            return LoadedSharedFile(location: location, exists: true, document: try INIParser.parse(text))
        } catch {
            throw AWSConfigurationError(
                code: .configFileMalformed,
                message: "\(location.display), line \(error.line): \(error.reason). The AWS CLI cannot read this file either; "
                    + "fix that line (see https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html).")
        }
    }

    /// UTF-8 text without a leading byte-order mark; invalid UTF-8 is an error naming the first bad line.
    static func decode(_ bytes: [UInt8], location: SharedFileLocation) throws(AWSConfigurationError) -> String {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        if let text = String(validating: body, as: UTF8.self) { return text }
        var line = 1
        for chunk in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: chunk, as: UTF8.self) == nil { break }
            line += 1
        }
        throw AWSConfigurationError(
            code: .configFileMalformed,
            message: "\(location.display), line \(line): not UTF-8 text. Save the file as UTF-8 (the AWS CLI cannot read it either).")
    }

    // MARK: Python's os.path.expandvars, os.path.expanduser and shlex.split

    static func isHomeRelative(_ path: String) -> Bool { path == "~" || path.hasPrefix("~/") }

    /// `$NAME` and `${NAME}` replaced by set variables; others left as written (posixpath.expandvars).
    static func expandVariables(_ path: String, environment: [String: String]) -> String {
        guard path.contains("$") else { return path }
        let characters = Array(path)
        var result = ""
        var index = 0
        func isWordCharacter(_ character: Character) -> Bool {
            character.isASCII && (character.isLetter || character.isNumber || character == "_")
        }
        while index < characters.count {
            guard characters[index] == "$", index + 1 < characters.count else {
                result.append(characters[index])
                index += 1
                continue
            }
            var name = ""
            var end = index + 1
            if characters[end] == "{" {
                var close = end + 1
                while close < characters.count, characters[close] != "}", characters[close] != "/" { close += 1 }
                if close < characters.count, characters[close] == "}" {
                    name = String(characters[(end + 1)..<close])
                    end = close + 1
                }
            } else {
                while end < characters.count, isWordCharacter(characters[end]) { end += 1 }
                name = String(characters[(index + 1)..<end])
            }
            if end > index + 1, let value = environment[name] {
                result += value
                index = end
            } else {
                result.append("$")
                index += 1
            }
        }
        return result
    }

    /// `~` and `~/...` replaced by the home directory; `~user` is left as written.
    static func expandUser(_ path: String, home: String?) -> String {
        guard isHomeRelative(path), let home else { return path }
        var base = home
        while base.hasSuffix("/") { base.removeLast() }
        let expanded = base + path.dropFirst()
        return expanded.isEmpty ? "/" : expanded
    }

    /// POSIX shell-like words (Python's `shlex.split`), or nil for an unbalanced quote or trailing backslash.
    static func shellSplit(_ text: String) -> [String]? {
        enum Quote { case none, single, double }
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote = Quote.none
        var escaping = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            switch quote {
            case .single:
                if character == "'" { quote = .none } else { word.append(character) }
            case .double:
                if escaping {
                    if character != "\"" && character != "\\" { word.append("\\") }
                    word.append(character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" {
                    quote = .none
                } else {
                    word.append(character)
                }
            case .none:
                if escaping {
                    word.append(character)
                    escaping = false
                } else if character == " " || character == "\t" || character == "\n" || character == "\r" {
                    if inWord { words.append(word) }
                    word = ""
                    inWord = false
                } else {
                    inWord = true
                    switch character {
                    case "'": quote = .single
                    case "\"": quote = .double
                    case "\\": escaping = true
                    default: word.append(character)
                    }
                }
            }
        }
        if quote != .none || escaping { return nil }
        if inWord { words.append(word) }
        return words
    }
}
