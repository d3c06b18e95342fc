/* An N-API addon (NAPI_VERSION 4, set in binding.gyp): hello() returns 42
 * from a thread, so a plain build on a new glibc needs GLIBC_2.34. */
#include <node_api.h>
#include <pthread.h>

static void *worker(void *arg)
{
	return arg;
}

static napi_value hello(napi_env env, napi_callback_info info)
{
	pthread_t t;
	void *out = NULL;
	napi_value result;

	(void)info;
	if (pthread_create(&t, NULL, worker, (void *)42) != 0 || pthread_join(t, &out) != 0)
		out = NULL;
	napi_create_int32(env, (int)(long)out, &result);
	return result;
}

static napi_value init(napi_env env, napi_value exports)
{
	napi_value fn;

	napi_create_function(env, "hello", NAPI_AUTO_LENGTH, hello, NULL, &fn);
	napi_set_named_property(env, exports, "hello", fn);
	return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
