#if os(Linux)
    import Foundation
    import Glibc

    /// Wakes on every change in a few directories (Linux inotify), so a test reacts to what a `cairn`
    /// process writes instead of sleeping.
    ///
    /// The directories need not exist yet: each is watched as soon as it appears (its parent, listed
    /// before it, reports the creation). After every wake-up the caller re-reads the files and tests
    /// its condition, so an event that fired before a watch was added is never missed.
    final class FileWatcher {
        private let descriptor: Int32
        private let directories: [String]
        private var watched: Set<String> = []
        private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        /// - Parameter directories: parents before children, e.g. `[root, root/.cairn, root/.cairn/executions]`.
        init(directories: [String]) throws {
            descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { throw E2EFailure("inotify_init1 failed: errno \(errno)") }
            self.directories = directories
            addWatches()
        }

        deinit { close(descriptor) }

        private func addWatches() {
            let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE)
            for directory in directories where !watched.contains(directory) {
                if inotify_add_watch(descriptor, directory, mask) >= 0 { watched.insert(directory) }
            }
        }

        private func drain() { while read(descriptor, &buffer, buffer.count) > 0 {} }

        enum Outcome {
            case satisfied
            /// The child exited (status) before the condition held.
            case exited(Int32)
            case timedOut
        }

        /// Blocks until `condition()` holds, `child` exits, or `deadline` passes. The condition is
        /// tested first, after every file-system event, and once more after the child exits.
        func wait(for condition: () -> Bool, child: ChildProcess?, deadline: ContinuousClock.Instant) -> Outcome {
            while true {
                addWatches()
                if condition() { return .satisfied }
                if let child, !child.isRunning { return .exited(child.reap()) }
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { return .timedOut }
                let milliseconds = Int32(
                    clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
                var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
                if let child { descriptors.append(pollfd(fd: child.exitDescriptor, events: Int16(POLLIN), revents: 0)) }
                let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
                if ready < 0, errno != EINTR { return .timedOut }
                if descriptors[0].revents != 0 { drain() }
                if descriptors.count > 1, descriptors[1].revents != 0, let child {
                    let status = child.reap()
                    return condition() ? .satisfied : .exited(status)
                }
            }
        }
    }
#endif
