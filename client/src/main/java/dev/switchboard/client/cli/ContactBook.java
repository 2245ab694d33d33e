package dev.switchboard.client.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Phone numbers and user ids this device knows. Numbers the server confirmed by lookup are kept in
 * {@code contacts.properties} in the device folder; numbers senders claim in their messages are kept in memory and
 * never replace a confirmed one.
 */
final class ContactBook
{
    static final String FILE = "contacts.properties";

    private final Path file;
    private final Map<String, Long> userIdByPhone = new HashMap<>();
    private final Map<Long, String> confirmedPhoneByUserId = new HashMap<>();
    private final Map<Long, String> claimedPhoneByUserId = new HashMap<>();

    ContactBook(final Path storeDir)
    {
        this.file = storeDir.resolve(FILE);
        if (Files.isRegularFile(file))
        {
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
            {
                properties.load(reader);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read " + file, ex);
            }
            for (final String phone : properties.stringPropertyNames())
            {
                try
                {
                    put(phone, Long.parseUnsignedLong(properties.getProperty(phone).trim()));
                }
                catch (final NumberFormatException ignore)
                {
                    // A hand-edited line that is not a user id: skip it rather than refuse to start.
                }
            }
        }
    }

    synchronized Long userId(final String phone)
    {
        return userIdByPhone.get(phone);
    }

    /**
     * Whether a number, confirmed or claimed, is known for the user.
     */
    synchronized boolean knows(final long userId)
    {
        return confirmedPhoneByUserId.containsKey(userId) || claimedPhoneByUserId.containsKey(userId);
    }

    /**
     * The confirmed number of a user, else the number they claimed, else {@code user:<id>}.
     */
    synchronized String label(final long userId)
    {
        final String confirmed = confirmedPhoneByUserId.get(userId);
        if (null != confirmed)
        {
            return confirmed;
        }
        final String claimed = claimedPhoneByUserId.get(userId);
        return null != claimed ? claimed : "user:" + Long.toUnsignedString(userId);
    }

    synchronized void confirmed(final String phone, final long userId)
    {
        if (Long.valueOf(userId).equals(userIdByPhone.get(phone)))
        {
            return;
        }
        put(phone, userId);
        save();
    }

    synchronized void claimed(final long userId, final String phone)
    {
        if (!confirmedPhoneByUserId.containsKey(userId))
        {
            claimedPhoneByUserId.put(userId, phone);
        }
    }

    private void put(final String phone, final long userId)
    {
        userIdByPhone.put(phone, userId);
        confirmedPhoneByUserId.put(userId, phone);
    }

    private void save()
    {
        final Properties properties = new Properties();
        userIdByPhone.forEach((phone, userId) -> properties.setProperty(phone, Long.toUnsignedString(userId)));
        final Path temp = file.resolveSibling(FILE + ".tmp");
        try
        {
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8))
            {
                properties.store(writer, "phone number = user id, as confirmed by the server");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }
}
