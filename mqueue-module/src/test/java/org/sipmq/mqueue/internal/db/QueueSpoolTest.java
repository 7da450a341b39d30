package org.sipmq.mqueue.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipmq.mqueue.MQueueItem;

class QueueSpoolTest {
    @TempDir
    Path dir;

    @Test
    void itemsRoundTripWholeInOrderWhateverTheyHold() throws IOException {
        QueueSpool spool = new QueueSpool(dir.resolve("spool"));
        List<MQueueItem> items = List.of(new MQueueItem("", ""), new MQueueItem("k\r\nv", "line\nbreak"),
                new MQueueItem("caf\u00e9 \u20ac \uD83D\uDE00", "x".repeat(70_000)));

        spool.append("acc", items);

        assertThat(spool.read("acc")).containsExactlyElementsOf(items);
        assertThat(spool.file("acc")).isEqualTo(dir.resolve("spool").resolve("acc.spool").toAbsolutePath());
        assertThat(dir.resolve("spool").resolve("acc.spool.tmp")).as("no temporary file left").doesNotExist();
    }

    @Test
    void appendKeepsWhatTheFileHeldFirst() throws IOException {
        QueueSpool spool = new QueueSpool(dir);
        spool.append("acc", List.of(new MQueueItem("a", "1")));
        spool.append("acc", List.of(new MQueueItem("b", "2")));

        assertThat(spool.read("acc")).containsExactly(new MQueueItem("a", "1"), new MQueueItem("b", "2"));
        assertThat(spool.read("other")).as("a queue without a file").isEmpty();
    }

    @Test
    void deleteRemovesTheFileAndIsIdempotent() throws IOException {
        QueueSpool spool = new QueueSpool(dir);
        spool.append("acc", List.of(new MQueueItem("a", "1")));

        spool.delete("acc");
        spool.delete("acc");

        assertThat(spool.file("acc")).doesNotExist();
    }

    @Test
    void aFileCutShortIsRefusedNamingItAndHowFarItGot() throws IOException {
        QueueSpool spool = new QueueSpool(dir);
        spool.append("acc", List.of(new MQueueItem("a", "1"), new MQueueItem("b", "2")));
        byte[] whole = Files.readAllBytes(spool.file("acc"));
        Files.write(spool.file("acc"), java.util.Arrays.copyOf(whole, whole.length - 6));

        assertThatThrownBy(() -> spool.read("acc")).isInstanceOf(IOException.class)
                .hasMessageContaining("mqueue spool file " + spool.file("acc") + " is cut short after 1 items");
    }

    @Test
    void aFileThatIsNotASpoolFileIsRefused() throws IOException {
        QueueSpool spool = new QueueSpool(dir);
        Files.writeString(spool.file("acc"), "id,key,val\n");

        assertThatThrownBy(() -> spool.read("acc")).isInstanceOf(IOException.class)
                .hasMessageContaining("not an mqueue spool file");
    }

    @Test
    void aQueueNameThatIsNotASafeTableNameHasNoFile() {
        assertThatThrownBy(() -> new QueueSpool(dir).file("../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
