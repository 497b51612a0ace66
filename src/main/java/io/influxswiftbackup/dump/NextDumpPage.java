package io.influxswiftbackup.dump;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The body of one turn of the dump's page loop: the next page of the day's answer, the file it is
 * appended to, whether another page follows and whether this one's progress is logged. A plain
 * processor, not a bean call: the loop turns a thousand times for a million records, and a fresh
 * JVM pays for each reflective call and each resolved endpoint URI more than for the page itself.
 */
public class NextDumpPage implements Processor {

    public static final String MORE_PAGES = "morePages";
    public static final String PROGRESS_DUE = "progressDue";

    private final int progressPages;

    public NextDumpPage(int progressPages) {
        this.progressPages = progressPages;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        MeasurementDump measurement = exchange.getProperty(MeasurementDump.PROPERTY, MeasurementDump.class);
        MessagePackPages pages = measurement.pages();
        var message = exchange.getMessage();
        message.setBody(pages.next());
        message.setHeader(Exchange.FILE_NAME, measurement.fileName());
        exchange.setProperty(PROGRESS_DUE, pages.pages() % progressPages == 0);
        exchange.setProperty(MORE_PAGES, pages.hasNext());
    }
}
