package io.vigil.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void anIdIsAVersion7UuidCarryingTheMillisecondItWasMadeIn() {
    // given the clock around the making of an id
    long before = System.currentTimeMillis();
    String id = RequestIds.next();
    long after = System.currentTimeMillis();

    // then it parses back as an RFC 9562 version 7 UUID whose first 48 bits are that millisecond
    UUID uuid = UUID.fromString(id);
    assertEquals(id, uuid.toString());
    assertEquals(7, uuid.version());
    assertEquals(2, uuid.variant());
    long millis = uuid.getMostSignificantBits() >>> 16;
    assertTrue(millis >= before && millis <= after, millis + " outside " + before + ".." + after);
  }

  @Test
  void idsMadeInLaterMillisecondsSortAfterEarlierOnesAndNoneRepeats() throws Exception {
    // given ids made across several milliseconds
    List<String> ids = new ArrayList<>();
    long end = System.currentTimeMillis() + 20;
    while (System.currentTimeMillis() < end) {
      ids.add(RequestIds.next());
    }

    // then as text (the ledger's index compares the ref as text) each millisecond's ids come
    // after every earlier millisecond's, and all are distinct
    for (int i = 1; i < ids.size(); i++) {
      String earlier = ids.get(i - 1).substring(0, 13);
      String later = ids.get(i).substring(0, 13);
      assertTrue(earlier.compareTo(later) <= 0, ids.get(i - 1) + " after " + ids.get(i));
    }
    assertEquals(ids.size(), new HashSet<>(ids).size());
    assertTrue(ids.size() > 100, "only " + ids.size() + " ids in 20 ms");
  }
}
