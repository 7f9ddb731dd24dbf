import Foundation

/// One line of the simulator's `calls.log`: an RDS (or secret store) call it answered.
struct SimCall: CustomStringConvertible {
    /// Position in the log, from 0.
    var index: Int
    var op: String
    var region: String
    var identifier: String?
    /// `created`, `alreadyExists`, `ok` or `error`.
    var outcome: String
    var errorCode: String?
    /// The request's `cairn:execution` and `cairn:activity` tags (creating and secret calls only).
    var execution: String?
    var activity: String?

    var description: String {
        "#\(index) \(op) \(identifier ?? "-") in \(region): \(outcome)\(errorCode.map { " (\($0))" } ?? "")"
            + (activity.map { " by \($0)" } ?? "")
    }

    /// The operations that create a resource (their outcome is `created` or `alreadyExists`).
    static let creatingOperations: Set<String> = [
        "CreateDBInstance", "CreateDBInstanceReadReplica", "RestoreDBInstanceFromDBSnapshot", "CreateDBSnapshot",
    ]

    /// Every complete line of `calls.log` (a line being written is left out).
    static func load(_ path: String) -> [SimCall] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var calls: [SimCall] = []
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any], let op = object["op"] as? String,
                let outcome = object["outcome"] as? String
            else { continue }
            calls.append(
                SimCall(
                    index: calls.count, op: op, region: object["region"] as? String ?? "", identifier: object["identifier"] as? String,
                    outcome: outcome, errorCode: object["errorCode"] as? String, execution: object["execution"] as? String,
                    activity: object["activity"] as? String))
        }
        return calls
    }
}

/// A DB instance as `cairn sim instances --json` prints it.
struct SimInstance: CustomStringConvertible {
    var identifier: String
    var arn: String
    var region: String
    var status: String
    var multiAZ: Bool
    var readReplicaSourceArn: String?
    var tags: [String: String]

    var description: String {
        "\(identifier) (\(region), \(status)\(readReplicaSourceArn.map { ", replica of \($0)" } ?? ""), tags \(tags))"
    }

    static func parse(_ text: String) -> [SimInstance]? {
        guard let array = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] else { return nil }
        return array.map { object in
            SimInstance(
                identifier: object["identifier"] as? String ?? "", arn: object["arn"] as? String ?? "",
                region: object["region"] as? String ?? "", status: object["status"] as? String ?? "",
                multiAZ: object["multiAZ"] as? Bool ?? false, readReplicaSourceArn: object["readReplicaSourceArn"] as? String,
                tags: object["tags"] as? [String: String] ?? [:])
        }
    }
}

/// The simulator's secret store (`sim/secrets.json`): each secret's value is a JSON string
/// `{"password": ..., "username": ...}`.
enum SimSecrets {
    struct Credential {
        var username: String
        var password: String
    }

    static func credentials(_ path: String) -> [Credential] {
        guard let data = FileManager.default.contents(atPath: path),
            let document = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let secrets = document["secrets"] as? [[String: Any]]
        else { return [] }
        return secrets.compactMap { secret in
            guard let value = secret["value"] as? String,
                let inner = (try? JSONSerialization.jsonObject(with: Data(value.utf8))) as? [String: Any],
                let username = inner["username"] as? String, let password = inner["password"] as? String
            else { return nil }
            return Credential(username: username, password: password)
        }
    }

    /// Whether `password` is the one the simulated database keeps for `user` of `instance`
    /// (`sim/state.json`: a salted SHA-256, `sha256(salt bytes + password)`).
    static func databaseAccepts(_ password: String, user: String, instance: String, statePath: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: statePath),
            let state = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let instances = state["instances"] as? [[String: Any]],
            let users = instances.first(where: { $0["identifier"] as? String == instance })?["users"] as? [[String: Any]],
            let record = users.first(where: { $0["name"] as? String == user }), let saltHex = record["salt"] as? String,
            let hash = record["passwordHash"] as? String
        else { return false }
        var salt: [UInt8] = []
        var index = saltHex.startIndex
        while index < saltHex.endIndex, let next = saltHex.index(index, offsetBy: 2, limitedBy: saltHex.endIndex),
            let byte = UInt8(saltHex[index..<next], radix: 16)
        {
            salt.append(byte)
            index = next
        }
        return TestSHA256.hex(salt + Array(password.utf8)) == hash
    }
}
