package io.stablegate.http.invoices;

import com.fasterxml.jackson.databind.JsonNode;
import io.stablegate.engine.invoice.InvoiceEntity;
import io.stablegate.http.Json;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;

/** An invoice's journal, read with Pekko Persistence Query ({@code currentEventsByPersistenceId}). */
public final class InvoiceEvents {

  /** One journal entry as the API shows it: {@code type} is the event's name, {@code data} its fields. */
  public record EventView(long seqNr, String type, Instant at, JsonNode data) {}

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;

  public InvoiceEvents(ActorSystem<?> system) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  public CompletionStage<List<EventView>> of(UUID invoiceId) {
    String persistenceId = PersistenceId.of(InvoiceEntity.ENTITY_KEY.name(), invoiceId.toString()).id();
    return journal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .map(envelope -> new EventView(envelope.sequenceNr(), envelope.event().getClass().getSimpleName(),
            Instant.ofEpochMilli(envelope.timestamp()), Json.MAPPER.valueToTree(envelope.event())))
        .runWith(Sink.seq(), system);
  }
}
