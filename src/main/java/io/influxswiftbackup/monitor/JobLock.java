package io.influxswiftbackup.monitor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One run of a job at a time, across the processes of a host: {@code <work.dir>/locks/<job>.lock},
 * locked with {@link FileChannel#tryLock()} for the run's duration. The holder writes its pid and
 * start into the file, so the one that is refused can say who runs. The operating system releases
 * the lock when the process ends, even killed; the file itself stays (deleting it would let two
 * processes lock two different files).
 */
public final class JobLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private JobLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static Path file(Path workDir, String job) {
        return workDir.resolve("locks").resolve(job + ".lock");
    }

    /** The lock, or null when another run of the job (in this process or another) holds it. */
    public static JobLock tryAcquire(Path file, Instant now) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " since " + now + "\n")
                .getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new JobLock(channel, lock);
    }

    /** Who holds the lock, as its holder wrote it ("pid 1234 since 2016-06-11T23:55:00Z"), or "pid unknown". */
    public static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? "pid unknown" : text;
        } catch (IOException e) {
            return "pid unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
