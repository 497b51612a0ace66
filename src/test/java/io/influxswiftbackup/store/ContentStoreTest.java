package io.influxswiftbackup.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ContentStoreTest {

    @Test
    void theStoreNeverLooksLikeADayToTheRunbooksGrepLoops() {
        assertNull(ContentStore.nameProblem("influx-swift-backup-store"));
        assertTrue(ContentStore.nameProblem("backups-2016-06").contains("date-like YYYY-MM"));
        assertTrue(ContentStore.nameProblem("store/x").contains("no '/'"));
        assertTrue(ContentStore.nameProblem(" ").contains("no '/'"));
    }

    @Test
    void shardFilesAreStoredOnceAndTheMetadataStaysAPlainObject() {
        assertTrue(ContentStore.storedOnce("sensu_db.autogen.00001.00"));
        assertTrue(ContentStore.storedOnce("20160611T235500Z.s12.tar.gz"));
        assertFalse(ContentStore.storedOnce("meta.00"));
        assertFalse(ContentStore.storedOnce("20160611T235500Z.meta"));
        assertFalse(ContentStore.storedOnce("20160611T235500Z.manifest"));
        assertEquals("sha256/ab12", ContentStore.contentName("AB12"));
    }
}
