package io.vigil.audit;

/** What one ledger entry records: a prediction or an event. */
public sealed interface Entry permits PredictionEntry, EventEntry {}
