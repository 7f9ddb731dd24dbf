import RDSCore
import Time

/// How long each operation takes in simulated time (divided by the speed in wall time). Figures are
/// typical of small RDS instances, so a rollout's shape looks real at speed 1.
enum SimulatedDuration {
    static let creating = Interval.minutes(4)
    static let multiAZExtra = Interval.minutes(3)
    static let backingUpAfterCreate = Interval.minutes(1)
    static let replicaCreating = Interval.minutes(5)
    static let crossRegionExtra = Interval.minutes(2)
    static let snapshotCreating = Interval.minutes(2)
    static let restoreCreating = Interval.minutes(5)
    static let backingUpAfterRestore = Interval.minutes(1)
    static let modifying = Interval.minutes(2)
    static let resettingCredentials = Interval.minutes(1)
    static let deleting = Interval.minutes(2)
}

/// Per-engine defaults.
struct EngineProfile {
    let name: String
    let defaultVersion: String
    let port: Int
    let masterUsernameLengthMax: Int
    let passwordLengthMax: Int

    static let all: [EngineProfile] = [
        EngineProfile(name: "postgres", defaultVersion: "16.4", port: 5432, masterUsernameLengthMax: 63, passwordLengthMax: 128),
        EngineProfile(name: "mysql", defaultVersion: "8.0.39", port: 3306, masterUsernameLengthMax: 16, passwordLengthMax: 41),
        EngineProfile(name: "mariadb", defaultVersion: "10.11.9", port: 3306, masterUsernameLengthMax: 16, passwordLengthMax: 41),
    ]

    static func named(_ name: String) -> EngineProfile? { all.first { $0.name == name } }

    /// The default parameter group of `version`, e.g. `default.postgres16`, `default.mysql8.0`.
    func defaultParameterGroup(version: String) -> String {
        let parts = version.split(separator: ".")
        let family = name == "postgres" ? String(parts.first ?? "16") : parts.prefix(2).joined(separator: ".")
        return "default.\(name)\(family)"
    }
}

/// RDS's parameter checks, with AWS's wording where it is known. Messages never quote a password.
enum Validate {
    static func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// DB instance and snapshot identifiers: 1-`max` characters, a letter first, ASCII letters,
    /// digits and hyphens, no trailing hyphen and no two hyphens in a row. Returns the lowercase form.
    static func identifier(_ text: String, parameter: String, max: Int = 63) throws -> String {
        let ok =
            !text.isEmpty && text.count <= max && isLetter(text.first!)
            && text.allSatisfy { isLetter($0) || isDigit($0) || $0 == "-" }
            && text.last != "-" && !text.contains("--")
        guard ok else {
            throw RDSError.invalidParameterValue(
                "The parameter \(parameter) is not a valid identifier. Identifiers must begin with a letter; "
                    + "must contain only ASCII letters, digits, and hyphens; must be 1 to \(max) characters; "
                    + "and must not end with a hyphen or contain two consecutive hyphens.")
        }
        return text.lowercased()
    }

    /// A region name such as `us-east-1` or `us-gov-west-1`.
    static func region(_ text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let ok =
            parts.count >= 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { isLetter($0) && $0.isLowercase || isDigit($0) } }
            && parts.last!.allSatisfy(isDigit)
        guard ok else { throw RDSError.invalidParameterValue("Invalid region: \(text).") }
    }

    static func engine(_ name: String) throws -> EngineProfile {
        guard let profile = EngineProfile.named(name) else {
            throw RDSError.invalidParameterValue(
                "Invalid DB engine: \(name). The simulator supports postgres, mysql and mariadb.")
        }
        return profile
    }

    static func engineVersion(_ version: String) throws {
        guard !version.isEmpty, version.first!.isNumber, version.allSatisfy({ isDigit($0) || $0 == "." }) else {
            throw RDSError.invalidParameterValue("Invalid DB engine version: \(version).")
        }
    }

    /// `db.<family>.<size>`.
    static func instanceClass(_ name: String) throws {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "db",
            parts.dropFirst().allSatisfy({ !$0.isEmpty && $0.allSatisfy { isLetter($0) || isDigit($0) } })
        else { throw RDSError.invalidParameterValue("Invalid DB Instance class: \(name)") }
    }

    static func masterUsername(_ name: String, engine: EngineProfile) throws {
        let ok =
            !name.isEmpty && name.count <= engine.masterUsernameLengthMax && isLetter(name.first!)
            && name.allSatisfy { isLetter($0) || isDigit($0) || $0 == "_" } && !name.lowercased().hasPrefix("rds")
        guard ok else {
            throw RDSError.invalidParameterValue(
                "The parameter MasterUsername is not a valid identifier: it must be 1 to \(engine.masterUsernameLengthMax) "
                    + "letters, digits or underscores, start with a letter, and not be a reserved word.")
        }
    }

    /// AWS's master password rules. The password is never quoted back.
    static func masterPassword(_ password: String, engine: EngineProfile) throws {
        guard password.count >= 8 else {
            throw RDSError.invalidParameterValue(
                "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.")
        }
        guard password.count <= engine.passwordLengthMax else {
            throw RDSError.invalidParameterValue(
                "The parameter MasterUserPassword is not a valid password because it is longer than "
                    + "\(engine.passwordLengthMax) characters.")
        }
        let printable = password.unicodeScalars.allSatisfy { $0.value >= 0x21 && $0.value <= 0x7e }
        guard printable, !password.contains(where: { $0 == "/" || $0 == "@" || $0 == "\"" }) else {
            throw RDSError.invalidParameterValue(
                "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters "
                    + "besides '/', '@', '\"', ' ' may be used.")
        }
    }

    static func allocatedStorage(_ gib: Int) throws {
        guard (20...65_536).contains(gib) else {
            throw RDSError.invalidParameterValue("Invalid storage size: \(gib) GiB. Allocated storage must be 20 to 65536 GiB.")
        }
    }

    static func backupRetentionPeriod(_ days: Int) throws {
        guard (0...35).contains(days) else {
            throw RDSError.invalidParameterValue("The backup retention period must be between 0 and 35 days.")
        }
    }

    static func securityGroups(_ ids: [String]) throws {
        for id in ids where !(id.hasPrefix("sg-") && id.count > 3) {
            throw RDSError.invalidParameterValue("Invalid security group, groupId=\(id)")
        }
    }

    static func storageType(_ type: String) throws {
        guard ["standard", "gp2", "gp3", "io1", "io2"].contains(type) else {
            throw RDSError(code: .storageTypeNotSupported, message: "Invalid storage type: \(type)")
        }
    }

    /// Secrets Manager's secret names: 1-512 of ASCII letters, digits and `/_+=.@-!`.
    static func secretName(_ name: String) throws {
        let ok =
            !name.isEmpty && name.count <= 512
            && name.allSatisfy { isLetter($0) || isDigit($0) || "/_+=.@-!".contains($0) }
        guard ok else {
            throw RDSError(code: .invalidParameterException, message: "Invalid name for a secret: \(name)")
        }
    }
}

/// `*` and `?` glob matching, for fault identifier patterns.
func globMatches(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern), t = Array(text)
    var pi = 0, ti = 0, star = -1, mark = 0
    while ti < t.count {
        if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
            pi += 1
            ti += 1
        } else if pi < p.count, p[pi] == "*" {
            star = pi
            mark = ti
            pi += 1
        } else if star >= 0 {
            pi = star + 1
            mark += 1
            ti = mark
        } else {
            return false
        }
    }
    while pi < p.count, p[pi] == "*" { pi += 1 }
    return pi == p.count
}

/// The error a fault injects, with AWS's usual message and HTTP status for well-known codes.
func injectedError(code name: String) -> RDSError {
    let code = RDSError.Code(name)
    return switch code {
    case .throttling, .throttlingException: RDSError(code: code, message: "Rate exceeded", httpStatus: 400)
    case .internalFailure: RDSError(code: code, message: "An internal error occurred (injected by the simulator).", httpStatus: 500)
    case .serviceUnavailable: RDSError(code: code, message: "Service unavailable (injected by the simulator).", httpStatus: 503)
    default:
        RDSError(
            code: code, message: "Injected fault: \(name).",
            httpStatus: name.hasSuffix("NotFound") || name.hasSuffix("NotFoundFault") ? 404 : 400)
    }
}

extension Interval {
    /// The sum of two intervals (for adding up simulated phases).
    static func + (lhs: Interval, rhs: Interval) -> Interval {
        Interval(milliseconds: lhs.milliseconds + rhs.milliseconds)
    }
}
