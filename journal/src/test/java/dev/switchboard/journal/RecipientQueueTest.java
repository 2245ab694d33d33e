package dev.switchboard.journal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecipientQueueTest
{
    private static List<Long> liveIds(final RecipientQueue queue)
    {
        final List<Long> ids = new ArrayList<>();
        for (int i = queue.head(); i < queue.end(); i++)
        {
            if (queue.isLive(i))
            {
                ids.add(queue.messageId(i));
            }
        }
        return ids;
    }

    @Test
    void shouldMatchASortedMapUnderRandomAddsRemovesAndInserts()
    {
        final Random random = new Random(42);
        final RecipientQueue queue = new RecipientQueue();
        queue.reset(7);
        final TreeMap<Long, Integer> model = new TreeMap<>();
        long nextId = 1_000;
        for (int step = 0; step < 100_000; step++)
        {
            final int action = random.nextInt(10);
            if (action < 5)
            {
                nextId += 1 + random.nextInt(3);
                final int length = random.nextInt(100);
                queue.add(nextId, nextId * 2, 0, length, 1);
                model.put(nextId, length);
            }
            else if (action < 9 && !model.isEmpty())
            {
                final long id = random.nextBoolean() ? model.firstKey() : model.ceilingKey(
                    model.firstKey() + random.nextInt((int)(model.lastKey() - model.firstKey() + 1)));
                final int index = queue.find(id);
                assertEquals(id, queue.messageId(index));
                assertEquals(id * 2, queue.position(index));
                queue.remove(index);
                model.remove(id);
                assertEquals(-1, queue.find(id));
            }
            else
            {
                // recovery inserts a moved copy below ids already held
                final long id = random.nextInt(1_000);
                if (!model.containsKey(id))
                {
                    queue.insert(id, id * 2, 0, 5, 1);
                    model.put(id, 5);
                }
            }
        }
        assertEquals(new ArrayList<>(model.keySet()), liveIds(queue));
        assertEquals(model.size(), queue.count());
        assertEquals(model.values().stream().mapToLong(Integer::longValue).sum(), queue.bytes());
        final long after = model.isEmpty() ? 0 : model.firstKey();
        final int first = queue.firstAfter(after);
        for (int i = first; i < queue.end(); i++)
        {
            if (queue.isLive(i))
            {
                assertEquals(model.higherKey(after), queue.messageId(i));
                break;
            }
        }
    }
}
