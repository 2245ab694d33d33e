package dev.switchboard.ring;

/**
 * What one kind of request (or control event) does at each stage, each step on the thread of the stage that owns
 * the state it touches: {@link #session} on the session stage, {@link #route} on the route stage, {@link #deliver}
 * on the delivery stage, in that order. The session stage picks the flow once, from the frame's template
 * ({@link Flows}) and the slot keeps its {@link #id}; a step that refuses the request ends the flow
 * ({@link RingEvent#endFlow()}) so later steps are skipped. Steps default to nothing.
 * <p>
 * A flow is built once per pipeline and shared by the three stage threads: whatever a step keeps in fields (decoder
 * flyweights, scratch) is used by that step only, so each field still has one thread.
 */
abstract class Flow
{
    /** Served whether or not the connection is logged in (ping). */
    static final int ANYONE = 0;
    /** Served only before login (registration, login): an authenticated connection is refused. */
    static final int BEFORE_LOGIN = 1;
    /** Served only after login; the session stage stamps the {@link Caller} before the session step. */
    static final int AFTER_LOGIN = 2;

    /** The id of {@link #NONE}, which every slot holds until the session stage picks a flow. */
    static final int NONE_ID = 0;
    /** No step does anything: unknown connections, refused requests, failed stages. */
    static final Flow NONE = new None();

    /**
     * The flow's index in its {@link Flows}, given when registered there. A slot holds this int rather than the flow:
     * a reference stored into a slot on every hand-off costs a garbage collector's card mark (with G1, a fence and a
     * dirty-card entry each lap of the ring).
     */
    int id = NONE_ID;
    final int access;
    /** Counted against the connection's frames per second. */
    final boolean rateLimited;

    Flow(final int access, final boolean rateLimited)
    {
        this.access = access;
        this.rateLimited = rateLimited;
    }

    /**
     * Session stage step.
     *
     * @param session the connection's session; null for a control event of a connection the stage does not know.
     */
    void session(final RingEvent event, final Session session, final SessionStage stage)
    {
    }

    /**
     * Route stage step: resolve recipients, assign message ids.
     */
    void route(final RingEvent event, final RouteStage stage)
    {
    }

    /**
     * Delivery stage step, after the reply went out: journal, deliver, push.
     */
    void deliver(final RingEvent event, final DeliveryStage stage)
    {
    }

    private static final class None extends Flow
    {
        None()
        {
            super(ANYONE, false);
        }
    }
}
