// Boost.Asio with C++20 coroutines, as the gateway uses it. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, and asio.hpp leaves out the coroutine headers.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>
