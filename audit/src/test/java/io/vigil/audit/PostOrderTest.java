package io.vigil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostOrderTest {

  @Test
  void numbersNodesInTheOrderAppendsCompleteThem() {
    // given the nodes that 5000 appends complete, in the order the frontier reports them
    List<long[]> completed = new ArrayList<>();
    Frontier f = new Frontier();
    byte[] leaf = new byte[32];
    for (int n = 0; n < 5000; n++) {
      f.append(leaf, (level, index, hash) -> completed.add(new long[] {level, index}));
    }

    // then the k-th completed node has position k
    for (int k = 0; k < completed.size(); k++) {
      long[] node = completed.get(k);
      assertEquals(
          k, PostOrder.position((int) node[0], node[1]), "level " + node[0] + " index " + node[1]);
    }
  }

  @Test
  void aSubtreeIsOneRunOfPositionsFromItsFirstLeafToItsRoot() {
    // the subtree at level 3, index 4 holds leaves 32..39 and 15 nodes in all
    assertEquals(14, PostOrder.position(3, 4) - PostOrder.position(0, 32), "root minus first leaf");
    // leaf 39 completes no node above it, so leaf 40 comes next; leaf 47 also completes (4, 2)
    assertEquals(PostOrder.position(0, 40), PostOrder.position(3, 4) + 1);
    assertEquals(PostOrder.position(4, 2), PostOrder.position(3, 5) + 1);
  }

  @Test
  void refusesSubtreesThatCannotExist() {
    assertThrows(IllegalArgumentException.class, () -> PostOrder.position(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> PostOrder.position(0, -1));
    assertThrows(IllegalArgumentException.class, () -> PostOrder.position(63, 0));
    assertThrows(IllegalArgumentException.class, () -> PostOrder.position(40, 1L << 40));
  }
}
