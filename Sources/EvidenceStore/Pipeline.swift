import Dispatch
import Foundation

/// Runs up to three independent pieces of work at once: two on threads this object owns, one on the
/// caller's thread, and rethrows the first failure.
///
/// The ingest pipelines overlap their stages this way: while one block is read from the source (mostly
/// waiting on the disk), the previous one is sealed on one core and hashed on the other. Dedicated
/// threads, not a shared pool, because a stage blocked in `read(2)` must not hold up the others.
final class ParallelStages: @unchecked Sendable {
    private final class Worker: @unchecked Sendable {
        let start = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        // Set before `start` is signalled and read only by the worker until it signals `done`.
        var work: (() throws -> Void)?
        var error: (any Error)?
        var stop = false

        func loop() {
            while true {
                start.wait()
                if stop { return }
                do { try work?() } catch { self.error = error }
                work = nil
                done.signal()
            }
        }
    }

    private let workers = [Worker(), Worker()]

    init() {
        for worker in workers {
            let thread = Thread { worker.loop() }
            thread.name = "custody-stage"
            thread.start()
        }
    }

    deinit {
        for worker in workers {
            worker.stop = true
            worker.start.signal()
        }
    }

    /// Runs `first` and `second` on the two workers and `third` here; returns when all three are done.
    /// With `inline`, runs all three here in order: for work too small to be worth a thread hand-off.
    func run(
        inline: Bool = false, _ first: () throws -> Void, _ second: () throws -> Void, _ third: () throws -> Void = {}
    ) throws {
        if inline {
            try first()
            try second()
            try third()
            return
        }
        var callerError: (any Error)?
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                // The closures cannot outlive this call: it waits for both workers before returning.
                workers[0].work = first
                workers[1].work = second
                workers[0].start.signal()
                workers[1].start.signal()
                do { try third() } catch { callerError = error }
                workers[0].done.wait()
                workers[1].done.wait()
            }
        }
        let errors = [workers[0].error, workers[1].error, callerError]
        workers[0].error = nil
        workers[1].error = nil
        if let error = errors.compactMap({ $0 }).first { throw error }
    }
}

/// A pair of page-aligned buffers reused across items, so a run of small files costs no allocation
/// and no page faults per file. Their contents are wiped when the pair is released: they held evidence.
final class BufferPair {
    let capacity: Int
    private let storage: [UnsafeMutableRawBufferPointer]

    init(capacity: Int) {
        self.capacity = capacity
        storage = [.allocate(byteCount: capacity, alignment: 4096), .allocate(byteCount: capacity, alignment: 4096)]
    }

    deinit {
        for buffer in storage {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            buffer.deallocate()
        }
    }

    /// The first `count` bytes of buffer `index % 2`.
    subscript(index: Int64, count: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[Int(index & 1)][..<count])
    }
}
