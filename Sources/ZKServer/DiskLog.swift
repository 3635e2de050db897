import ZKProtocol
import ZKStorage

/// The transaction log files under `dataLogDir/version-2`, as the log writer
/// thread uses them (ZKStorage's TxnLog, which the simulator runs too).
/// Touched only by that thread.
final class DiskLog: LogFiles {
    private let log: TxnLog

    init(directory: DataDirectory, options: TxnLogWriter.Options) {
        log = TxnLog(directory: directory, options: options)
    }

    var currentSize: Int64 { log.currentSize }

    func append(_ header: TxnHeader, _ body: TxnBody) throws { try log.append(header, body) }

    func commit(sync: Bool) throws { try log.commit(sync: sync) }

    func roll() throws { try log.roll() }

    func discardUncommitted(lastDurableZxid: Zxid) throws { try log.discardUncommitted(lastDurableZxid: lastDurableZxid) }

    func probe() throws { try log.probe() }
}
