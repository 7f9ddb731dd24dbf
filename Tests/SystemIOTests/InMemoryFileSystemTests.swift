import EngineTesting
import HistoryTesting
import SystemIO
import Testing

/// The in-memory double must model durability exactly, or the crash tests prove nothing.
@Suite struct InMemoryFileSystemTests {
    let bytes = Array("hello\n".utf8)

    func prepared() throws -> InMemoryFileSystem {
        let fileSystem = InMemoryFileSystem(seed: 1)
        try fileSystem.createDirectory(at: "/d/e")
        try fileSystem.createFileExclusively(at: "/d/e/f", contents: Array("head\n".utf8))
        return fileSystem
    }

    @Test func splitMixMatchesTheReferenceOutputs() {
        var random = SeededRandom(seed: 0)
        #expect([random.next(), random.next(), random.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func appendWithoutSyncIsLostOnPowerLossAndKeptAfterSync() throws {
        let fileSystem = try prepared()
        let file = try fileSystem.openForAppending(at: "/d/e/f")
        try file.append(bytes)
        #expect(file.length == 11)
        #expect(fileSystem.visibleContents(of: "/d/e/f") == Array("head\nhello\n".utf8))
        #expect(fileSystem.durableContents(of: "/d/e/f") == Array("head\n".utf8))
        fileSystem.crash(mode: .dropUnsynced)
        #expect(try fileSystem.readFile(at: "/d/e/f") == Array("head\n".utf8))

        let reopened = try fileSystem.openForAppending(at: "/d/e/f")
        try reopened.append(bytes)
        try reopened.sync()
        fileSystem.crash(mode: .dropUnsynced)
        #expect(try fileSystem.readFile(at: "/d/e/f") == Array("head\nhello\n".utf8))
    }

    @Test func aHeldLockIsSeenUntilReleasedOrACrash() throws {
        let fileSystem = InMemoryFileSystem(seed: 3)
        try fileSystem.createDirectory(at: "/a")
        #expect(fileSystem.lockIsHeld(at: "/a/LOCK") == false)
        let lock = try fileSystem.lockFile(at: "/a/LOCK", holderDescription: "me")
        #expect(fileSystem.lockIsHeld(at: "/a/LOCK") == true)
        lock.release()
        #expect(fileSystem.lockIsHeld(at: "/a/LOCK") == false)
        _ = try fileSystem.lockFile(at: "/a/LOCK", holderDescription: "me")
        fileSystem.crash(mode: .processKill)
        #expect(fileSystem.lockIsHeld(at: "/a/LOCK") == false)
    }

    @Test func processKillKeepsUnsyncedBytes() throws {
        let fileSystem = try prepared()
        try fileSystem.openForAppending(at: "/d/e/f").append(bytes)
        fileSystem.crash(mode: .processKill)
        #expect(try fileSystem.readFile(at: "/d/e/f") == Array("head\nhello\n".utf8))
    }

    @Test func handlesFromBeforeACrashThrow() throws {
        let fileSystem = try prepared()
        let file = try fileSystem.openForAppending(at: "/d/e/f")
        fileSystem.crash(mode: .processKill)
        #expect(throws: SimulatedCrash.self) { try file.append(bytes) }
        #expect(throws: SimulatedCrash.self) { try file.sync() }
    }

    @Test func newNamesNeedADirectoryFsync() throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.createDirectory(at: "/a")
        // A lock file is created without a directory fsync, like open(O_CREAT) is.
        _ = try fileSystem.lockFile(at: "/a/LOCK", holderDescription: "me")
        #expect(fileSystem.fileExists(at: "/a/LOCK"))
        #expect(fileSystem.durableContents(of: "/a/LOCK") == nil)
        fileSystem.crash(mode: .dropUnsynced)
        #expect(!fileSystem.fileExists(at: "/a/LOCK"))
        #expect(fileSystem.fileExists(at: "/a"))
    }

    @Test func createFileExclusivelyIsTheDocumentedSequence() throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.createDirectory(at: "/d")
        let start = fileSystem.operationLog.count
        try fileSystem.createFileExclusively(at: "/d/x", contents: bytes)
        #expect(
            Array(fileSystem.operationLog[start...]) == [
                .createFile("/d/.x.tmp-1-1"), .write("/d/.x.tmp-1-1", byteCount: 6), .syncFile("/d/.x.tmp-1-1"),
                .link("/d/.x.tmp-1-1", to: "/d/x"), .unlink("/d/.x.tmp-1-1"), .syncDirectory("/d"),
            ])
        #expect(fileSystem.durableContents(of: "/d/x") == bytes)
        #expect(try fileSystem.listDirectory(at: "/d") == ["x"])
        #expect { try fileSystem.createFileExclusively(at: "/d/x", contents: []) } throws: { error in
            (error as? SystemError)?.code == .alreadyExists
        }
        #expect(try fileSystem.listDirectory(at: "/d") == ["x"])
        #expect(try fileSystem.readFile(at: "/d/x") == bytes)
    }

    @Test func replaceFileRenamesAndSyncsTheDirectory() throws {
        let fileSystem = try prepared()
        let start = fileSystem.operationLog.count
        try fileSystem.replaceFile(at: "/d/e/f", contents: bytes)
        let log = Array(fileSystem.operationLog[start...])
        #expect(log.suffix(2) == [.rename("/d/e/.f.tmp-1-2", to: "/d/e/f"), .syncDirectory("/d/e")])
        #expect(fileSystem.durableContents(of: "/d/e/f") == bytes)
        #expect(try fileSystem.listDirectory(at: "/d/e") == ["f"])
    }

    @Test func crashAtEveryStepOfACreateLeavesAllOrNothing() throws {
        var step = 1
        var outcomes: Set<Bool> = []
        steps: while true {
            // Several seeds per step, so the crash lands both before and after it.
            for seed in 0..<4 {
                let fileSystem = InMemoryFileSystem(seed: UInt64(seed))
                try fileSystem.createDirectory(at: "/d")
                fileSystem.crashAfter(operations: step)
                do {
                    try fileSystem.createFileExclusively(at: "/d/x", contents: bytes)
                    #expect(!fileSystem.isCrashed)
                    break steps
                } catch {
                    #expect(error is SimulatedCrash)
                }
                #expect(throws: SimulatedCrash.self) { try fileSystem.readFile(at: "/d/x") }
                fileSystem.restart(mode: .dropUnsynced)
                let survivor = fileSystem.visibleContents(of: "/d/x")
                #expect(survivor == nil || survivor == bytes, "step \(step)")
                outcomes.insert(survivor != nil)
            }
            step += 1
        }
        #expect(step == 7)
        #expect(outcomes == [false, true])
    }

    @Test func failedSyncLosesThePendingBytesEvenAfterALaterSyncSucceeds() throws {
        let fileSystem = try prepared()
        let file = try fileSystem.openForAppending(at: "/d/e/f")
        try file.append(Array("lost\n".utf8))
        fileSystem.failNextSync()
        #expect { try file.sync() } throws: { ($0 as? SystemError)?.code == .ioError }
        #expect(fileSystem.visibleContents(of: "/d/e/f") == Array("head\nlost\n".utf8))
        try file.append(Array("kept\n".utf8))
        try file.sync()  // "succeeds", as on ext4, without writing the earlier pages
        fileSystem.crash(mode: .dropUnsynced)
        #expect(try fileSystem.readFile(at: "/d/e/f") == Array("head\n".utf8) + [0, 0, 0, 0, 0] + Array("kept\n".utf8))
        #expect(fileSystem.syncCount > 0)
    }

    @Test func noSpaceAfterABudgetWritesWhatFits() throws {
        let fileSystem = try prepared()
        let file = try fileSystem.openForAppending(at: "/d/e/f")
        fileSystem.failWritesWithNoSpace(after: 8)
        try file.append(Array("12345".utf8))
        #expect { try file.append(Array("67890".utf8)) } throws: { ($0 as? SystemError)?.code == .noSpace }
        #expect { try file.append(Array("x".utf8)) } throws: { ($0 as? SystemError)?.code == .noSpace }
        #expect(fileSystem.visibleContents(of: "/d/e/f") == Array("head\n12345678".utf8))
        fileSystem.clearFaults()
        try file.append(Array("9".utf8))
    }

    @Test func reportErrorAfterWriteStillWrites() throws {
        let fileSystem = try prepared()
        let file = try fileSystem.openForAppending(at: "/d/e/f")
        fileSystem.reportErrorAfterWrite(count: 1)
        #expect { try file.append(bytes) } throws: { ($0 as? SystemError)?.code == .ioError }
        try file.append(bytes)
        #expect(fileSystem.visibleContents(of: "/d/e/f") == Array("head\nhello\nhello\n".utf8))
    }

    @Test func tornTailKeepsAPrefixOfThePendingBytes() throws {
        var kept: Set<Int> = []
        var zeroed = 0
        for seed in 0..<40 {
            let fileSystem = try prepared()
            let file = try fileSystem.openForAppending(at: "/d/e/f")
            let pending = (0..<1500).map { UInt8(truncatingIfNeeded: $0 % 250 + 1) }
            try file.append(pending)
            fileSystem.crash(mode: .tornTail(seed: UInt64(seed)))
            let after = try fileSystem.readFile(at: "/d/e/f")
            #expect(after.starts(with: Array("head\n".utf8)))
            let survived = Array(after.dropFirst(5))
            #expect(survived.count <= pending.count)
            kept.insert(survived.count)
            if survived == Array(pending.prefix(survived.count)) { continue }
            // Otherwise the last sector reads as zeros, and everything before it is intact.
            let sectorStart = (after.count - 1) / 512 * 512
            let zeroFrom = max(5, sectorStart)
            #expect(after[zeroFrom...].allSatisfy { $0 == 0 }, "seed \(seed)")
            #expect(Array(after[5..<zeroFrom]) == Array(pending.prefix(zeroFrom - 5)), "seed \(seed)")
            zeroed += 1
        }
        #expect(kept.count > 10)
        #expect(zeroed > 0)
    }

    @Test func lockContentionNamesTheHolderAndReleaseFreesIt() throws {
        let fileSystem = InMemoryFileSystem()
        try fileSystem.createDirectory(at: "/s")
        let lock = try fileSystem.lockFile(at: "/s/LOCK", holderDescription: "pid 1")
        #expect { try fileSystem.lockFile(at: "/s/LOCK", holderDescription: "pid 2") } throws: { error in
            guard let error = error as? SystemError else { return false }
            return error.code == .wouldBlock && error.message == "pid 1"
        }
        lock.release()
        _ = try fileSystem.lockFile(at: "/s/LOCK", holderDescription: "pid 2")
        fileSystem.crash(mode: .processKill)  // the holder died: its lock is gone
        _ = try fileSystem.lockFile(at: "/s/LOCK", holderDescription: "pid 3")
    }

    @Test func errorsCarryStableCodes() throws {
        let fileSystem = try prepared()
        #expect { try fileSystem.readFile(at: "/nope") } throws: { ($0 as? SystemError)?.code == .notFound }
        #expect { try fileSystem.readFile(at: "/d") } throws: { ($0 as? SystemError)?.code == .isADirectory }
        #expect { try fileSystem.listDirectory(at: "/d/e/f") } throws: { ($0 as? SystemError)?.code == .notADirectory }
        #expect { try fileSystem.createDirectory(at: "/d/e/f/g") } throws: { ($0 as? SystemError)?.code == .notADirectory }
        #expect { try fileSystem.openForAppending(at: "/d/e/g") } throws: { ($0 as? SystemError)?.code == .notFound }
        #expect { try fileSystem.createFileExclusively(at: "/none/x", contents: []) } throws: { ($0 as? SystemError)?.code == .notFound }
        try fileSystem.removeFile(at: "/d/e/f")
        #expect(fileSystem.durableContents(of: "/d/e/f") == nil)
        #expect { try fileSystem.truncateFile(at: "/d/e/f", toLength: 0) } throws: { ($0 as? SystemError)?.code == .notFound }
    }

    @Test func truncateIsDurable() throws {
        let fileSystem = try prepared()
        let file = try fileSystem.openForAppending(at: "/d/e/f")
        try file.append(bytes)
        try fileSystem.truncateFile(at: "/d/e/f", toLength: 2)
        #expect(fileSystem.operationLog.suffix(2) == [.truncate("/d/e/f", length: 2), .syncFile("/d/e/f")])
        fileSystem.crash(mode: .dropUnsynced)
        #expect(try fileSystem.readFile(at: "/d/e/f") == Array("he".utf8))
    }
}
